from celery import Celery

app = Celery("proj", broker="redis://localhost:6379/0", include=["proj.tasks"])

app.conf.beat_schedule = {
    "send-daily-digest": {
        "task": "proj.tasks.sned_digest",  # expect: CEL901
        "schedule": 86400.0,
    },
    "clean-results": {
        "task": "celery.backend_cleanup",
        "schedule": 3600.0,
    },
}
app.conf.task_routes = {
    "proj.tasks.send_digets": {"priority": 3},  # expect: CEL901
    "proj.tasks.*": {"priority": 5},
}
