# filename: proj/settings.py
import os

CELERY_BROKER_URL = os.environ.get("REDIS", "redis://localhost:6379/0")
CELERY_TASK_ALWAYS_EAGER = False  # keep this comment
CELERY_WORKER_CONCURRENCY = 4
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
