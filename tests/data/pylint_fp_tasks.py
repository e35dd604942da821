"""Ordinary Celery code."""
from celery import Celery, Task, shared_task

app = Celery("proj")


@shared_task(bind=True)
def fetch(self, url):
    """Fetch."""
    return url


@app.task(bind=True)
def store(self, key, value):
    """Store."""
    return key, value


class BaseTask(Task):
    """A base for our tasks."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        print(exc)


class Add(BaseTask):
    """Adds."""

    def run(self, x, y):
        return x + y


def main():
    """Use them."""
    fetch("https://example.com")
    store("k", "v")
    fetch.delay("u")


def plain(a, b):
    """Not a task."""
    return a


class Base:
    """Not celery."""

    def run(self, *args, **kwargs):
        """Abstract."""
        raise NotImplementedError

    def other(self):
        """Abstract."""
        raise NotImplementedError


class Child(Base):
    """Not celery either."""

    def run(self, x):
        return x


plain(1)
