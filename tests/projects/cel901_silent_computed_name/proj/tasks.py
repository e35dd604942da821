import os

from proj.celery_app import app

PREFIX = os.environ.get("TASK_PREFIX", "proj.tasks")


@app.task(name=f"{PREFIX}.nightly_sync")
def sync_stock():
    return 0


@app.task
def count_stock(sku):
    return sku
