SECRET_KEY = "django-insecure-fixture"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "emails",
]

CELERY_BROKER_URL = "redis://localhost:6379/0"
CELERY_BEAT_SCHEDULE = {
    "welcome-new-users": {
        "task": "emails.tasks.send_welcome",  # expect: CEL901
        "schedule": 600.0,
    },
    "welcome-new-users-renamed": {
        "task": "emails.send_welcome",
        "schedule": 600.0,
    },
    "purge-bounces": {
        "task": "emails.tasks.purge_bounces",
        "schedule": 3600.0,
    },
}
