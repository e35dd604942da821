from celery import shared_task


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=5,  # Factor in seconds (first retry: 5s, second: 10s, third: 20s, etc.)
    retry_kwargs={"max_retries": 3},
)
def commented(self):
    ...


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True,
)
def last_commented():
    ...


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def two_lines():
    ...


# Near-misses: other code shares the keyword's line, next to a comment: no fix.
@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True, retry_jitter=False,  # no randomness
    max_retries=4,
)
def shared_before():
    ...


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=False, max_retries=5,  # no randomness
)
def shared_after():
    ...
