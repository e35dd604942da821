SECRET_KEY = "django-insecure-fixture"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "orders",
]

CELERY_BROKER_URL = "redis://localhost:6379/0"
CELERY_TASK_ROUTES = {
    "orders.tasks.*": {"priority": 5},
    "orders.tasks.ship_order": {"priority": 9},
}
CELERY_BEAT_SCHEDULE = {
    "ship-pending-orders": {
        "task": "orders.tasks.ship_order",
        "schedule": 300.0,
        "args": (None,),
    },
    "clean-results": {
        "task": "celery.backend_cleanup",
        "schedule": 3600.0,
    },
}
