from celery import shared_task


@shared_task(bind=True, max_retries=3)
def fetch(self, url):
    try:
        return download(url)
    except IOError as exc:
        raise self.retry(exc=exc, countdown=2 ** self.request.retries) from exc
    except ValueError:
        raise self.retry(countdown=2 ** self.request.retries)


def download(url):
    ...
