from shop.celery_app import app


def refresh_now():
    return app.send_task("shop.tasks.refresh_prices")


def reindex_now():
    return app.send_task("shop.reindex")
