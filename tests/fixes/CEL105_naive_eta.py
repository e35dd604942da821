from datetime import datetime, timedelta

from celery import shared_task


@shared_task
def send_digest(user_id):
    ...


def schedule_digest(user_id):
    send_digest.apply_async((user_id,), eta=datetime.now() + timedelta(minutes=5))
    send_digest.apply_async((user_id,), eta=datetime.today())
    send_digest.apply_async((user_id,), expires=datetime.fromtimestamp(1700000000))
