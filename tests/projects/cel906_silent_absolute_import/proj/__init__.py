import proj.celery
