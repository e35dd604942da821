import celery
from celery.task import task, Task
from celery.decorators import task as old_task
from celery.task.schedules import crontab
from celery.task import periodic_task  # no exact equivalent: no fix


class Base(celery.task.Task):
    pass
from celery.task import current, group as task_group
