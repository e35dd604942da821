from proj.tasks import monthly_report


def report_now(month):
    return monthly_report.apply_async((month,), queue="urgent")
