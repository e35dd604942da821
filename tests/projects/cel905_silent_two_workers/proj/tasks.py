from proj.celery_app import app


@app.task
def refresh_totals():
    return 0


@app.task(queue="celery")
def refresh_dashboard():
    return 0


@app.task(queue="reports")
def build_report(report_id):
    return report_id


@app.task
def export_report(report_id):
    return report_id
