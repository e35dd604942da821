from celery import shared_task


def remove_files():
    return 0


@shared_task
def remove_temp_files():
    return remove_files()
