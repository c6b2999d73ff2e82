"""Celery tasks: thin, take primary keys, call a service, safe to run twice.

None retries on its own: email delivery keeps its retries in the database
(`email_delivery`), and late acknowledgement redelivers a task whose worker died.
"""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import email_delivery, outbox, selectors, services, worker_health


@shared_task
def send_signature_requests(version_id: int) -> None:
    """Ask partners to sign a newly published version; the emails go out in small tasks of their own."""
    services.signature_requests_send(version_id=version_id, batch_size=settings.SIGNATURE_REQUEST_BATCH_SIZE)


@shared_task
def ask_everyone_to_sign() -> None:
    """Daily: make sure every partner expected to sign a published version has
    been asked, including partners who joined after it was published."""
    for version_id in selectors.published_version_ids():
        outbox.task_enqueue("conduct.tasks.send_signature_requests", version_id=version_id)


@shared_task
def send_signature_reminders() -> None:
    services.signature_reminders_send(now=timezone.now())


@shared_task
def open_due_reviews() -> None:
    services.code_reviews_open_due(today=timezone.localdate())


@shared_task
def remind_overdue_reviews() -> None:
    services.code_reviews_remind_overdue(today=timezone.localdate())


@shared_task
def deliver_emails(delivery_ids: list[int]) -> None:
    email_delivery.emails_deliver(delivery_ids=delivery_ids)


@shared_task
def sweep_emails() -> None:
    """Every minute: hand over emails whose task was lost, whose retry is due, or whose send crashed."""
    email_delivery.emails_sweep(now=timezone.now())


@shared_task
def record_heartbeat() -> None:
    """Every minute: show that a worker is consuming (`manage.py check_workers`, /healthz)."""
    worker_health.heartbeat_record(now=timezone.now())


@shared_task
def flush_queued_tasks() -> None:
    outbox.queued_tasks_flush()


@shared_task
def lift_ended_suspensions() -> None:
    """Daily: lift the suspensions whose end date has come."""
    services.suspensions_lift_due(today=timezone.localdate())
