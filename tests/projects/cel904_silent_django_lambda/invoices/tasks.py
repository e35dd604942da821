from celery import shared_task


@shared_task
def send_invoice(invoice_id):
    return invoice_id
