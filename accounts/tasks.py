"""Celery tasks: thin, take primary keys, call a service, safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def send_invitation(invitation_id: int, nonce: str) -> None:
    services.invitation_email(invitation_id=invitation_id, nonce=nonce)


@shared_task
def send_invitations(invitations: list[list]) -> None:
    """A batch of invitations from an import; each link is emailed once, however often this runs."""
    for invitation_id, nonce in invitations:
        services.invitation_email(invitation_id=invitation_id, nonce=nonce)


@shared_task
def send_password_reset(email: str) -> None:
    services.password_reset_email(email=email)
