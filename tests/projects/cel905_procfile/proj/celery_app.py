from celery import Celery

app = Celery("proj", broker="redis://localhost:6379/0", include=["proj.tasks"])
app.conf.task_default_queue = "default"
app.conf.task_routes = {
    "proj.tasks.render_invoice": {
        "queue": "invoices",  # expect: CEL905
    },
    "proj.tasks.send_invoice": {
        "queue": "emails",
    },
}
