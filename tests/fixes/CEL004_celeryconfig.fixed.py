# filename: celeryconfig.py
broker_url = "redis://"
result_backend = "redis://"
worker_concurrency = 2
