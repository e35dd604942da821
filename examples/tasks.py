"""An example Celery module with the mistakes celery-lint finds.

    pip install '.[flake8]' && flake8 examples/
"""
import logging

from celery import Celery, shared_task
from celery.exceptions import SoftTimeLimitExceeded

app = Celery("shop", broker="redis://localhost:6379/0")
logger = logging.getLogger(__name__)


@shared_task
def charge_card(order_id):
    ...


@shared_task
def send_receipt(order_id):
    ...


@app.task(bind=True, autoretry_for=(ConnectionError,), max_retries=None, retry_limit=3)
def checkout(self, order_id):
    payment = charge_card.delay(order_id)
    if payment.get(timeout=30):
        send_receipt.delay(order_id)
    try:
        self.update_state(state="CHECKED_OUT")
    except Exception as exc:
        logger.warning("checkout of %s failed: %s", order_id, exc)
        self.retry(countdown=10)


@shared_task(soft_time_limit=60, time_limit=30)
def rebuild_index():
    try:
        ...
    except SoftTimeLimitExceeded:
        raise
