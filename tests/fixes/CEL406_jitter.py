from celery import Task, shared_task


@shared_task(autoretry_for=(IOError,), retry_backoff=True, retry_jitter=False, max_retries=5)
def first(x):
    ...


@shared_task(
    autoretry_for=(IOError,),
    retry_backoff=True,
    max_retries=5,
    retry_jitter=False,
)
def last(x):
    ...


class Backoff(Task):
    autoretry_for = (IOError,)
    retry_backoff = True
    retry_jitter = False
    max_retries = 5
