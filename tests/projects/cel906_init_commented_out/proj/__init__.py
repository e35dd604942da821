# Disabled while the worker was broken:
# from .celery import app as celery_app

__version__ = "2.3.0"
