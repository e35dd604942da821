from celery import shared_task


@shared_task
def print_label(parcel_id):
    return parcel_id
