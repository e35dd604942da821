from proj.celery_app import app


@app.task(name="feeds.import")
def import_feed(url):
    return url
