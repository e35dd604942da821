from proj.celery_app import app


@app.task
def notify(user_id, template, channel="email"):
    return user_id, template, channel


@app.task
def audit(event="tick", **fields):
    return event, fields


@app.task(bind=True, max_retries=3)
def retry_notify(self, user_id):
    return self.request.id, user_id


@app.task
def notify_all(user_ids):
    for user_id in user_ids:
        notify.delay(user_id)
    return len(user_ids)
