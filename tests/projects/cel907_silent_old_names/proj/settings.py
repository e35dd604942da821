SECRET_KEY = "django-insecure-fixture"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "orders",
]

BROKER_URL = "redis://localhost:6379/0"
CELERYD_PREFETCH_MULTIPLIER = 1
