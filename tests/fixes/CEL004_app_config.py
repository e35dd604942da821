from celery import Celery

app = Celery("proj", CELERYD_CONCURRENCY=4)
app.conf.update(CELERYD_PREFETCH_MULTIPLIER=1, CELERY_ACKS_LATE=True)
app.conf.CELERYD_MAX_TASKS_PER_CHILD = 100
app.conf["CELERYD_TASK_TIME_LIMIT"] = 60
app.config_from_object({'CELERY_DISABLE_RATE_LIMITS': True})

other = Celery("other")
other.conf.update(CELERYD_CONCURRENCY=2, worker_concurrency=2)  # both names: the old one removed
