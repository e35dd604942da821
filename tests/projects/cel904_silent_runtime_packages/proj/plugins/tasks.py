from proj.celery_app import app


@app.task
def load_plugin(plugin_id):
    return plugin_id
