from proj.celery_app import app


@app.task
def import_rows(path):
    return path
