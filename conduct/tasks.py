"""Celery tasks: thin, take primary keys, call a service, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import outbox, services

EMAIL_RETRY = {
    "acks_late": True,
    "autoretry_for": (ConnectionError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(**EMAIL_RETRY)
def send_signature_requests(version_id: int, after_partner_id: int = 0) -> None:
    """Ask partners to sign a newly published version, one batch a task, so
    publishing to thousands of partners returns at once."""
    request_ids, next_after = services.signature_requests_create_batch(
        version_id=version_id, after_partner_id=after_partner_id, batch_size=settings.SIGNATURE_REQUEST_BATCH_SIZE
    )
    if request_ids:
        services.signature_requests_email(request_ids=request_ids)
    if next_after is not None:
        outbox.task_enqueue("conduct.tasks.send_signature_requests", version_id=version_id, after_partner_id=next_after)


@shared_task(acks_late=True)
def ask_everyone_to_sign() -> None:
    """Daily: make sure every partner expected to sign a published version has
    been asked, including partners who joined after it was published."""
    for version_id in services.published_version_ids():
        outbox.task_enqueue("conduct.tasks.send_signature_requests", version_id=version_id)


@shared_task(**EMAIL_RETRY)
def send_signature_reminders() -> None:
    services.signature_reminders_send(now=timezone.now())


@shared_task(**EMAIL_RETRY)
def open_due_reviews() -> None:
    services.code_reviews_open_due(today=timezone.localdate())


@shared_task(**EMAIL_RETRY)
def remind_overdue_reviews() -> None:
    services.code_reviews_remind_overdue(today=timezone.localdate())


@shared_task(acks_late=True)
def send_review_opened_email(review_id: int) -> None:
    services.code_review_email_opened(review_id=review_id)


@shared_task(acks_late=True)
def flush_queued_tasks() -> None:
    outbox.queued_tasks_flush()
