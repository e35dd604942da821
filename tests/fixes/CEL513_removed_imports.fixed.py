import celery
from celery import shared_task as task, Task
from celery import shared_task as old_task
from celery.schedules import crontab
from celery.task import periodic_task  # no exact equivalent: no fix


class Base(celery.Task):
    pass
from celery import current_task as current, group as task_group
