from celery import Celery
from kombu import Queue

app = Celery("proj", broker="redis://localhost:6379/0", include=["proj.tasks"])
app.conf.task_default_queue = "default"
app.conf.task_queues = (
    Queue("default"),
    Queue("mail"),
)
app.conf.beat_schedule = {
    "flush-outbox": {
        "task": "proj.tasks.send_mail",
        "schedule": 60.0,
        "args": ("outbox",),
        "options": {"queue": "mail"},
    },
    "flush-texts": {
        "task": "proj.tasks.send_sms",
        "schedule": 60.0,
        "args": ("outbox",),
        "options": {"queue": "texts"},  # expect: CEL905
    },
}
