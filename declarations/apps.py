from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "Declarations of interest"

    def ready(self):
        # Emails are handed to Celery by task name (conduct's outbox), so the web
        # process must know the tasks as well as the worker does.
        from . import tasks  # noqa: F401
