from celery import shared_task


@shared_task(name="app.export_csv")
def export_csv(pk):
    return pk
