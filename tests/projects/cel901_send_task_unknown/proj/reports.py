from proj.celery_app import app


@app.task
def render_pdf(report_id):
    return f"report-{report_id}.pdf"


@app.task
def mail_report(path, address):
    return path, address
