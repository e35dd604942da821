from celery import shared_task


@shared_task
def purge_thumbnails(image_id):
    return image_id
