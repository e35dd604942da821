# filename: celeryconfig.py
BROKER_URL = "redis://"
CELERY_RESULT_BACKEND = "redis://"
CELERYD_CONCURRENCY = 2
