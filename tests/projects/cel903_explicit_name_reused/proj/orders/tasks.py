from proj.celery_app import app


@app.task(name="notify")
def notify_buyer(order_id):
    return order_id
