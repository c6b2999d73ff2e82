"""Celery tasks for breach cases: thin, take primary keys, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=8)
def send_case_email(case_email_id: int) -> None:
    services.case_email_send(case_email_id=case_email_id)
