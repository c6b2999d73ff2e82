from django.apps import AppConfig


class GovukConfig(AppConfig):
    """The shared GOV.UK kit: form errors, inputs, widgets, tags, dates, CSV. It knows no domain."""

    name = "govuk"
    verbose_name = "GOV.UK kit"
