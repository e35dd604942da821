from proj.celery_app import app
from proj.maintenance import purge_exports


@app.task
def import_rows(path):
    purge_exports.delay()
    return path
