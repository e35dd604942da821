from celery import Celery
from celery.schedules import crontab

app = Celery("proj")
app.conf.beat_schedule = {
    "nightly": {"task": "proj.tasks.nightly", "schedule": crontab(minute=0, hour=3), "options": {"expires": 60}},
    "weekly": {"task": "proj.tasks.weekly", "schedule": crontab(
        minute=0, hour=4, day_of_week="mon"), "options": {"expires": 60}},
}
