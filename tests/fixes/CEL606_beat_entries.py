from celery import Celery
from celery.schedules import crontab

app = Celery("proj")
app.conf.beat_schedule = {
    "report": {"task": "proj.tasks.report", "schedule": 60.0, "args": ("daily"), "expires": 30},
    "cleanup": {
        "task": "proj.tasks.cleanup",
        "schedule": 300.0,
        "options": {"priority": 1},
        "queue": "low",
    },
    "both": {"task": "proj.tasks.both", "schedule": 60.0, "expires": 30, "queue": "q"},
}
