"""Django's manage.py inside a folder that also holds an __init__.py: running it (or a worker from
here) puts this folder on sys.path, so the modules are remapp-style names (app.jobs.export)."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
