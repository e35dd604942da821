from proj.tasks import export_report


def export(report_id):
    return export_report.apply_async((report_id,), queue="exports")
