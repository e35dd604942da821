from celery import current_app, shared_task


@shared_task
def ship_order(order_id):
    return order_id


@shared_task
def bill_order(order_id):
    # The billing service registers its own tasks; this project only sends to them.
    return current_app.send_task("billing.charge", args=(order_id,))
