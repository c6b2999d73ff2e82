"""Celery tasks for breach cases: thin, take primary keys, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_case_email(case_email_id: int) -> None:
    services.case_email_send(case_email_id=case_email_id)


@shared_task
def send_deadline_reminders() -> None:
    """Daily: remind those handling cases of deadlines missed or about to be."""
    services.breach_deadline_reminders_send(today=timezone.localdate())
