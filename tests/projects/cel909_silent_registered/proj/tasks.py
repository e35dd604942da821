from celery import Task

from proj.celery_app import app


class ExportReport(Task):
    name = "proj.tasks.export_report"

    def run(self, report_id):
        return f"report-{report_id}.csv"


export_report = app.register_task(ExportReport())
