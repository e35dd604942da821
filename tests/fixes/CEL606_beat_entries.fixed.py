from celery import Celery
from celery.schedules import crontab

app = Celery("proj")
app.conf.beat_schedule = {
    "report": {"task": "proj.tasks.report", "schedule": 60.0, "args": ("daily",), "options": {"expires": 30}},
    "cleanup": {
        "task": "proj.tasks.cleanup",
        "schedule": 300.0,
        "options": {"queue": "low", "priority": 1},
    },
    "both": {"task": "proj.tasks.both", "schedule": 60.0, "options": {"queue": "q", "expires": 30}},
}
