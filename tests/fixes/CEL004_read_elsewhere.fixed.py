# filename: celeryconfig.py
BROKER_URL = "redis://"
CELERYD_CONCURRENCY = 2
WORKERS = CELERYD_CONCURRENCY * 2  # read: renaming it would break this line, so neither is renamed
