# filename: proj/settings.py
import ast
import os

CELERY_RESULT_EXPIRES = 86400
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_DISABLE_RATE_LIMITS = False
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_WORKER_CONCURRENCY = 4
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

CELERY_IGNORE_RESULT = ast.literal_eval(os.environ.get("CELERY_IGNORE_RESULT", "False"))
# Half a day is enough
CELERY_TASK_RESULT_EXPIRES = os.environ.get("CELERY_TASK_RESULT_EXPIRES", 43200)
CELERY_DISABLE_RATE_LIMITS = (  # over three lines
    False
)
CELERY_ALWAYS_EAGER = False

# Near-misses: the value does more than read, other code on the line, the module reads it: no fix.
CELERYD_CONCURRENCY = len(os.sched_getaffinity(0))
CELERY_SEND_EVENTS = True; DEBUG = False
CELERYD_PREFETCH_MULTIPLIER = 4
WORKER_PREFETCH = CELERYD_PREFETCH_MULTIPLIER
