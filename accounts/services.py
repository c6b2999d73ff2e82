"""State changes for signing in: inviting people and accepting an invitation."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conduct.models import User
from conduct.outbox import task_enqueue
from conduct.services import audit_record, email_queue

from .models import INVITATION_VALID_FOR, Invitation, new_nonce

SALT = "conduct.accounts.invitation"


class InvitationError(ValidationError):
    """The link cannot be used: the message says why and what to do."""


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accounts:invitation-accept", kwargs={"token": invitation_token(invitation)})


def invitation_send(*, user: User, actor: User | None) -> Invitation | None:
    """Invite a person, or send them a new link: only the newest link works, for 7 days.

    Before: the person has never signed in (nobody is invited to an account already in use).
    After: the invitation is open until 7 days from now, audited, and its email is queued.
    Returns None for someone who already signs in.
    """
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        invitation = Invitation.objects.filter(user=user).first()
        if invitation is not None and invitation.accepted_at is not None:
            return None
        if invitation is None and (user.has_usable_password() or user.last_login is not None):
            return None
        if invitation is None:
            invitation = Invitation.objects.create(
                user=user, invited_by=actor, created_at=now, sent_at=now, expires_at=now + INVITATION_VALID_FOR
            )
            action, summary = "invitation.sent", f"{user.display_name} invited"
        else:
            invitation.nonce, invitation.sent_at, invitation.expires_at = new_nonce(), now, now + INVITATION_VALID_FOR
            invitation.times_sent += 1
            invitation.save(update_fields=["nonce", "sent_at", "expires_at", "times_sent"])
            action, summary = "invitation.resent", f"{user.display_name} sent a new invitation link"
        audit_record(actor=actor, action=action, subject=invitation, summary=summary)
        task_enqueue("accounts.tasks.send_invitation", invitation_id=invitation.pk, nonce=invitation.nonce)
    return invitation


def invitation_email(*, invitation_id: int, nonce: str) -> bool:
    """Queue one link's email once (email_delivery sends it, retrying while the mail server
    refuses): claimed in the same transaction, so a task run twice queues it once."""
    with transaction.atomic():
        claimed = (
            Invitation.objects.filter(pk=invitation_id, nonce=nonce, accepted_at__isnull=True)
            .exclude(emailed_nonce=nonce)
            .update(emailed_nonce=nonce)
        )
        if not claimed:
            return False
        invitation = Invitation.objects.select_related("user", "invited_by").get(pk=invitation_id)
        email_queue(
            purpose=f"invitation:{invitation_id}:{nonce}",
            to=invitation.user.email,
            template="emails/invitation",
            context={
                "invitation": invitation,
                "user": invitation.user,
                "url": invitation_url(invitation),
                "expires_on": timezone.localtime(invitation.expires_at),
            },
        )
    return True


def invitation_for_token(token: str) -> Invitation:
    """The open invitation a link belongs to, or an InvitationError saying why it cannot be used."""
    try:
        invitation_id, nonce = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvitationError("This link is not a valid invitation. Check you copied all of it.") from None
    invitation = Invitation.objects.select_related("user").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        raise InvitationError("This invitation has been used already. Sign in with your password instead.")
    if invitation.nonce != nonce:
        raise InvitationError("A newer invitation has been sent to you: use the link in the latest email.")
    if timezone.now() >= invitation.expires_at:
        raise InvitationError("This invitation has expired. Ask your programme manager to send you a new one.")
    return invitation


def invitation_accept(*, token: str, password: str) -> User:
    """Set one's own password from an invitation link.

    Before: the link is the latest one sent, unused and under 7 days old.
    After: the person's password is set, the invitation closed for good, and audited.
    """
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationError("This invitation has been used already. Sign in with your password instead.")
        user = invitation.user
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            actor=user, action="invitation.accepted", subject=invitation, summary=f"{user.display_name} set a password"
        )
    return user


def invitations_send_many(*, user_ids: list[int], actor: User | None, batch_size: int = 500) -> int:
    """Invite many new people at once (an import): one invitation each, their emails queued in batches."""
    now = timezone.now()
    with transaction.atomic():
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    user_id=user_id,
                    invited_by=actor,
                    created_at=now,
                    sent_at=now,
                    expires_at=now + INVITATION_VALID_FOR,
                )
                for user_id in user_ids
            ],
            batch_size=1000,
        )
        for start in range(0, len(invitations), batch_size):
            batch = invitations[start : start + batch_size]
            task_enqueue("accounts.tasks.send_invitations", invitations=[[i.pk, i.nonce] for i in batch])
    return len(invitations)


def password_reset_request(*, email: str) -> None:
    """Look for the accounts with this email address and send each a reset link, after the
    response: the request takes the same time whether or not the address has an account."""
    task_enqueue("accounts.tasks.send_password_reset", email=email)


def password_reset_email(*, email: str) -> int:
    """Queue a reset link to every active account with this email address that signs in
    with a password (Django's own rule); returns how many. Each link is emailed once."""
    sent = 0
    for user in PasswordResetForm().get_users(email):
        token = default_token_generator.make_token(user)
        sent += email_queue(
            purpose=f"password-reset:{user.pk}:{token}",
            to=user.email,
            template="emails/password_reset",
            context={"user": user, "uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": token},
        )
    return sent
