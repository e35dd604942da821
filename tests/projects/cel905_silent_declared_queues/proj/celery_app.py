from celery import Celery
from kombu import Queue

app = Celery("proj", broker="redis://localhost:6379/0", include=["proj.tasks"])
app.conf.task_queues = (
    Queue("celery"),
    Queue("reports"),
)
