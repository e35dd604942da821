SECRET_KEY = "django-insecure-fixture"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "orders",
]

CELERY_BEAT_SCHEDULE = {
    "ship-pending-orders": {
        "task": "orders.tasks.ship_order",
        "schedule": 300.0,
        "args": (None,),
    },
}
