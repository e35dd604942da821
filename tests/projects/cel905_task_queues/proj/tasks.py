from proj.celery_app import app


@app.task(queue="mail")
def send_mail(box):
    return box


@app.task(queue="sms")  # expect: CEL905
def send_sms(box):
    return box
