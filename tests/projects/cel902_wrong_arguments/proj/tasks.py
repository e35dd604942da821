from proj.celery_app import app


@app.task
def send_email(user_id, template, *, urgent=False):
    return user_id, template, urgent


@app.task(bind=True, max_retries=3)
def resize_image(self, image_id, width):
    return self.request.id, image_id, width
