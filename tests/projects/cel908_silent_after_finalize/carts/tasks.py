from celery import shared_task

from proj.celery import app


@shared_task
def expire_carts():
    return 0


@app.on_after_finalize.connect
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(600.0, expire_carts.s(), name="expire carts every 10 minutes")
