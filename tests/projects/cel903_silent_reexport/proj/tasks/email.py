from proj.celery_app import app


@app.task(name="mail.send")
def send(address, subject):
    return address, subject
