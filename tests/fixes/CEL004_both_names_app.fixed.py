# filename: proj/celery.py
from celery import Celery

app = Celery("proj", task_ignore_result=False)
app.conf.update(worker_concurrency=4)
app.conf.update({"task_always_eager": False})
# Near-misses: the old name after the new one, which Celery's pending config would take: no fix.
other = Celery("other")
other.conf.update(worker_prefetch_multiplier=4, CELERYD_PREFETCH_MULTIPLIER=1)
