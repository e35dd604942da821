from celery import shared_task


@shared_task
def send_reminder(user_id, lang="en"):
    ...


def schedule(user_id, options):
    send_reminder.apply_async((user_id,), countdown=600)
    send_reminder.apply_async((user_id,), {"lang": "fr"}, countdown=60, priority=3)
    send_reminder.apply_async((), {"user_id": user_id}, expires=10)
    send_reminder.apply_async(countdown=5)
    send_reminder.delay(user_id, countdown=5, **options)  # spread: no fix
