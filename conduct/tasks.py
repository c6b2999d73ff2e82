from celery import shared_task
from django.conf import settings

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_signature_requests(version_id: int, after_partner_id: int = 0) -> None:
    """Ask partners to sign a newly published version, one batch a task, so
    publishing to thousands of partners returns at once."""
    request_ids, next_after = services.signature_requests_create_batch(
        version_id=version_id, after_partner_id=after_partner_id, batch_size=settings.SIGNATURE_REQUEST_BATCH_SIZE
    )
    if request_ids:
        services.signature_requests_email(request_ids=request_ids)
    if next_after is not None:
        send_signature_requests.delay(version_id, next_after)
