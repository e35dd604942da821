from celery import Celery

app = Celery("shop", broker="redis://localhost:6379/0", include=["shop.tasks"])

app.conf.beat_schedule = {
    "refresh-prices": {
        "task": "shop.tasks.refresh_prices",
        "schedule": 900.0,
    },
}
