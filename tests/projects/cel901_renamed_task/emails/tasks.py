from celery import shared_task


@shared_task(name="emails.send_welcome")
def send_welcome():
    return "welcome"


@shared_task
def purge_bounces():
    return 0
