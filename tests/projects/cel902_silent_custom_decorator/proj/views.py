from proj.tasks import rebuild_report


def rebuild(tenant_id, report_id):
    return rebuild_report.delay(tenant_id, report_id)
