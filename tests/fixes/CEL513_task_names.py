# filename: proj/tasks.py
from celery import task
from celery.task import task as old_task


@task
def add(x, y):
    return x + y


@old_task(ignore_result=True)
def cleanup():
    return None


@task(name="proj.named")
def named():
    return None
