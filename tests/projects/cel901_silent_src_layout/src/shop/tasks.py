from shop.celery_app import app


@app.task
def refresh_prices():
    return 0


@app.task(name="shop.reindex")
def reindex_catalogue():
    return 0
