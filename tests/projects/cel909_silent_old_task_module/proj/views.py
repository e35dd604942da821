from proj.tasks import DeliverHook


def deliver(target, payload):
    return DeliverHook.delay(target, payload)
