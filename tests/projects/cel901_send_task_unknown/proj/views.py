from celery import signature

from proj.celery_app import app


def archive(report_id):
    return app.send_task("proj.reports.archive_all", args=(report_id,))  # expect: CEL901


def render(report_id):
    return signature("proj.reports.rendr_pdf", args=(report_id,)).delay()  # expect: CEL901


def render_now(report_id):
    return app.tasks["proj.reports.render_pdf"].delay(report_id)


def mail(path, address):
    return app.signature("proj.reports.mail_report", args=(path, address)).delay()


def charge(order_id):
    return app.send_task("billing.charge", args=(order_id,))
