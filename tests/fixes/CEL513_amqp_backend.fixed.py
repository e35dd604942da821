# filename: celeryconfig.py
broker_url = "amqp://guest@localhost//"
result_backend = 'rpc'
