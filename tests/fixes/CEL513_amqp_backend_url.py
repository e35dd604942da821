# filename: proj/celery.py
from celery import Celery

app = Celery("proj", broker="amqp://guest@localhost//", backend="amqp://guest@localhost//")
other = Celery("other", broker="amqp://guest@localhost//")
other.conf.update(result_backend="amqp")
# Near-miss: no plain string literal (implicitly joined): no fix.
joined = Celery("joined", broker="amqp://guest@localhost//")
joined.conf.result_backend = "amqp" "://"
