from celery import Celery

app = Celery("proj", broker="redis://localhost:6379/0", include=["proj.tasks"])

app.conf.beat_schedule = {
    "notify-admins": {
        "task": "proj.tasks.notify",
        "schedule": 3600.0,
        "args": (1, "report"),
        "kwargs": {"channel": "email"},
    },
    "audit": {
        "task": "proj.tasks.audit",
        "schedule": 3600.0,
        "kwargs": {"source": "beat", "level": 2},
    },
}
