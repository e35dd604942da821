import datetime

from celery import shared_task
from django.utils import timezone


@shared_task
def send_digest(user_id):
    ...


def schedule_digest(user_id):
    send_digest.apply_async((user_id,), eta=datetime.datetime.now() + datetime.timedelta(minutes=5))
