from proj.tenancy import tenant_task


@tenant_task
def rebuild_report(report_id):
    return report_id
