from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    """A partnership sets itself up: its organisations, people and roles, managed in the app.

    It stands on `conduct` (whose services make the changes) and knows nothing above it."""

    name = "partnerships"
    verbose_name = "Partnership administration"
