from celery import Celery

app = Celery("proj")


class Config:
    BROKER_URL = "amqp://"
    CELERY_RESULT_BACKEND = "rpc://"


app.config_from_object(Config)
