from proj.celery_app import app


@app.task
def refresh_dashboard():
    return 0


@app.on_after_configure.connect  # expect: CEL908
def schedule_refresh(sender, **kwargs):
    sender.add_periodic_task(300.0, refresh_dashboard.s())
