from proj.celery_app import app


@app.task(queue="reports")
def monthly_report(month):
    return month


@app.task(queue="invoices")
def render_invoice(invoice_id):
    return invoice_id
