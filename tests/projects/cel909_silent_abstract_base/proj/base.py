from celery import Task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


class LoggedTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        logger.error("task %s failed: %r", task_id, exc)
        super().on_failure(exc, task_id, args, kwargs, einfo)
