from celery import Celery

app = Celery("proj", worker_concurrency=4)
app.conf.update(worker_prefetch_multiplier=1, task_acks_late=True)
app.conf.worker_max_tasks_per_child = 100
app.conf["task_time_limit"] = 60
app.config_from_object({'worker_disable_rate_limits': True})

other = Celery("other")
other.conf.update(worker_concurrency=2)  # both names: the old one removed
