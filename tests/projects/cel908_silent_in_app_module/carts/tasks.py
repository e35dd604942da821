from celery import shared_task


@shared_task
def expire_carts():
    return 0
