from celery import group, task, uuid


@task(ignore_result=True, name="proj.ping")
def ping():
    return group, uuid
