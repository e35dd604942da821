# filename: celeryconfig.py
broker_url = "redis://"
CELERY_RESULT_BACKEND = "redis://"
worker_concurrency = 2
