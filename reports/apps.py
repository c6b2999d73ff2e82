from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Insight for programme managers and boards: a partnership's figures as charts, and its
    annual report as a page and a PDF. It only reads, from the apps below it."""

    name = "reports"
    verbose_name = "Reports"
