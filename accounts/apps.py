from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in: invitations to set a password. It stands on `conduct` and knows nothing above it."""

    name = "accounts"
    verbose_name = "Accounts and signing in"

    def ready(self):
        # Queued work is handed to Celery by task name, so the web process must know the tasks.
        from . import tasks  # noqa: F401
