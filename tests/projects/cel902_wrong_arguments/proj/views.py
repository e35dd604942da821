import proj.tasks as t
from proj.tasks import resize_image, send_email


def signup(user_id):
    send_email.delay(user_id)  # expect: CEL902
    send_email.delay(user_id, "welcome", True)  # expect: CEL902
    send_email.delay(user_id, "welcome", urgnet=True)  # expect: CEL902
    send_email.delay(user_id, "welcome", urgent=True)
    send_email.apply_async(args=(user_id,), kwargs={"template": "welcome", "lang": "en"})  # expect: CEL902
    t.send_email.delay()  # expect: CEL902


def upload(image_id):
    resize_image.delay(image_id, 640)
    resize_image.apply_async((image_id,), {"width": 320})
    resize_image.delay(None, image_id, 640)  # expect: CEL902
