from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_declaration_event_email(event_id: int) -> None:
    """Email whoever a declaration's change concerns; queues once however often it runs."""
    services.declaration_event_notify(event_id=event_id)


@shared_task
def ask_for_annual_confirmations() -> None:
    """Daily: open this year's round of confirmations where it has started."""
    services.annual_confirmations_request(today=timezone.localdate())


@shared_task
def remind_unconfirmed_partners() -> None:
    services.annual_confirmations_remind(now=timezone.now())
