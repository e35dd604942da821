from . import celery
