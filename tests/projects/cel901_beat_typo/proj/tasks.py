from proj.celery_app import app


@app.task
def send_digest():
    return "sent"


@app.task
def unsubscribe(address):
    return address
