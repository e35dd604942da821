from celery import shared_task


@shared_task(bind=True, max_retries=3)
def fetch(self, url):
    try:
        return download(url)
    except IOError as exc:
        self.retry(exc=exc, countdown=2 ** self.request.retries)
    except ValueError:
        self.retry(countdown=2 ** self.request.retries)


def download(url):
    ...
