"""Tasks of a reusable library: the application that installs it owns the Celery app."""
from celery import shared_task


@shared_task
def make_thumbnail(image_id, size=128):
    return image_id, size
