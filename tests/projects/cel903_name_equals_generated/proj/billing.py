from proj.celery_app import app


@app.task
def charge(invoice_id):
    return invoice_id
