from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "breaches"
    verbose_name = "Breach cases"

    def ready(self):
        # Emails are handed to Celery by task name (conduct's outbox), so the web
        # process must know the tasks as well as the worker does.
        from . import tasks  # noqa: F401
