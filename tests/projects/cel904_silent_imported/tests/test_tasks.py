from celery import shared_task

from proj.tasks import import_rows


@shared_task
def record_call(path):
    return path


def test_import_rows_returns_the_path():
    assert import_rows.run("rows.csv") == "rows.csv"
