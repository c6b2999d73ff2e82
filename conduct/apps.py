from django.apps import AppConfig


class ConductConfig(AppConfig):
    name = "conduct"
    verbose_name = "Codes of conduct"

    def ready(self):
        # Queued work is handed to Celery by task name, so the web process must
        # know the tasks as well as the worker does.
        from . import tasks  # noqa: F401
