from proj.tasks import fetch_page


def crawl(url):
    fetch_page.apply_async((url,), queue="high")
    return fetch_page.apply_async((url,), queue="bulk")  # expect: CEL905
