import functools

from proj.celery_app import app


def activate(tenant_id):
    return tenant_id


def tenant_task(func):
    """Make a task that first switches to the tenant given as its first argument."""
    @app.task
    @functools.wraps(func)
    def run(tenant_id, *args, **kwargs):
        activate(tenant_id)
        return func(*args, **kwargs)
    return run
