"""Celery tasks: thin, take primary keys, call a service, safe to run twice."""

from celery import shared_task

from conduct.tasks import EMAIL_RETRY

from . import services


@shared_task(**EMAIL_RETRY)
def send_invitation(invitation_id: int, nonce: str) -> None:
    services.invitation_email(invitation_id=invitation_id, nonce=nonce)
