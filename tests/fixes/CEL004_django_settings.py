# filename: proj/settings.py
import os

BROKER_URL = os.environ.get("REDIS", "redis://localhost:6379/0")
CELERY_ALWAYS_EAGER = False  # keep this comment
CELERYD_CONCURRENCY = 4
CELERYD_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_IGNORE_RESULT = True  # the new name is set too: removed
CELERY_TASK_IGNORE_RESULT = True
