from celery import shared_task

from proj.tasks import import_feed


@shared_task(name="feeds.import")
def fake_import_feed(url):
    return f"fake {url}"


def test_import_feed_returns_its_url():
    assert import_feed.run("https://example.com/feed") == "https://example.com/feed"
