from celery import shared_task


@shared_task
def send_invoice(invoice_id):  # expect: CEL904
    return invoice_id


@shared_task
def void_invoice(invoice_id):
    return invoice_id
