from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data over its life: the retention schedule and its erasures.

    The top floor: it reaches the other apps only through their services and
    selectors, and nothing imports it."""

    name = "privacy"
    verbose_name = "Personal data"
