SECRET_KEY = "django-insecure-fixture"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "orders",
]

CELERY_BROKER_URL = "redis://localhost:6379/0"
