from proj.tasks import ExportReport


def export(report_id):
    return ExportReport().delay(report_id)
