from proj.tasks import export_report


def export(report_id):
    return export_report.delay(report_id)
