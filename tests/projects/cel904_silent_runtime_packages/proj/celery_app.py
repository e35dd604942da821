import os

from celery import Celery

app = Celery("proj", broker="redis://localhost:6379/0")
app.autodiscover_tasks(os.environ.get("TASK_PACKAGES", "proj.plugins").split(","))
