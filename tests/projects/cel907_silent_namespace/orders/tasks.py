from celery import shared_task


@shared_task
def ship_order(order_id):
    return order_id
