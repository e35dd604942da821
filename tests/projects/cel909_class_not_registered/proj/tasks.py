from celery import Task


class ExportReport(Task):  # expect: CEL909
    name = "proj.tasks.export_report"

    def run(self, report_id):
        return f"report-{report_id}.csv"
