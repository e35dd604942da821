from proj.tasks import ExportReport, export_report


def export(report_id):
    return export_report.delay(report_id)


def export_again(report_id):
    return ExportReport().delay(report_id)
