from proj.celery_app import app


@app.task
def fetch(url):
    return url


@app.task
def parse(html):
    return html


@app.task
def store(data, key):
    return data, key
