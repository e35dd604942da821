"""A Task subclass of the old celery.task module: its TaskType metaclass registered every subclass
(Celery 4), so no register_task is missing; under Celery 5 the import fails (CEL513 says so)."""
from celery.task import Task


class DeliverHook(Task):
    name = "proj.tasks.deliver_hook"

    def run(self, target, payload):
        return target, payload
