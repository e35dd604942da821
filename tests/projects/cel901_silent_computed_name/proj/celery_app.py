from celery import Celery

app = Celery("proj", broker="redis://localhost:6379/0", include=["proj.tasks"])

app.conf.beat_schedule = {
    "nightly-sync": {
        "task": "proj.tasks.nightly_sync",
        "schedule": 86400.0,
    },
}
