from proj.celery_app import app


@app.task(name="notify")
def notify_user(user_id):  # expect: CEL903
    return user_id


@app.task(name="users.notify")
def notify_admins(user_id):
    return user_id
