from celery import Celery

app = Celery("proj", broker="redis://localhost:6379/0", include=["proj.tasks"])

app.conf.beat_schedule = {
    "resize-banner": {
        "task": "proj.tasks.resize_image",
        "schedule": 3600.0,
        "args": (7, 1200),
    },
    "welcome-admin": {
        "task": "proj.tasks.send_email",
        "schedule": 3600.0,
        "args": (1,),  # expect: CEL902
    },
}
