from proj.celery_app import app


@app.task(queue="high")
def fetch_page(url):
    return url


@app.task(queue="low")  # expect: CEL905
def fetch_sitemap(url):
    return url
