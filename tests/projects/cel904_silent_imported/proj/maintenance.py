from proj import cleanup
from proj.celery_app import app


@app.task
def purge_exports():
    return cleanup.remove_files()
