from celery import Celery

app = Celery("proj")


class Config:
    broker_url = "amqp://"
    result_backend = "rpc://"


app.config_from_object(Config)
