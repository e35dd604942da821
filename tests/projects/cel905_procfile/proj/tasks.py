from proj.celery_app import app


@app.task
def render_invoice(invoice_id):
    return invoice_id


@app.task
def send_invoice(invoice_id):
    return invoice_id


@app.task(queue="reports")  # expect: CEL905
def monthly_report(month):
    return month


@app.task
def ping():
    return "pong"
