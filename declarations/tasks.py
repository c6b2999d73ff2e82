from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_declaration_event_email(event_id: int) -> None:
    """Email whoever a declaration's change concerns; sends once however often it runs."""
    services.declaration_event_notify(event_id=event_id)
