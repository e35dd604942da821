from celery import chain

from proj.tasks import audit, notify, retry_notify


def send(args, options):
    notify.delay(*args)
    notify.delay(1, **options)
    notify.apply_async(args, options)


def log(user_id):
    audit.delay("login", user=user_id, ip="127.0.0.1")
    audit.apply_async(kwargs={"anything": True})


def retry(user_id):
    retry_notify.delay(user_id)
    return chain(retry_notify.s(user_id), notify.si(user_id, "retried")).delay()
