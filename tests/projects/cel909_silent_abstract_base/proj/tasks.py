from proj.base import LoggedTask
from proj.celery_app import app


@app.task(base=LoggedTask)
def export_report(report_id):
    return f"report-{report_id}.csv"
