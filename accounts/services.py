"""State changes for signing in: inviting people, accepting an invitation, and the second factor."""

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
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conduct.models import Partnership, User
from conduct.outbox import task_enqueue
from conduct.selectors import may_administer
from conduct.services import audit_record, email_queue

from .models import INVITATION_VALID_FOR, Invitation, new_nonce
from .selectors import work_account_sign_in_configured
from .two_factor import two_factor_required

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
                # Someone whose organisation signs them in need never have a password of ours.
                "work_account_url": settings.SITE_URL + reverse("accounts:work-account-sign-in")
                if work_account_sign_in_configured()
                else "",
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
        # A batch at a time, so that a list of 20,000 holds 500 invitations in memory, not all.
        for start in range(0, len(user_ids), batch_size):
            batch = Invitation.objects.bulk_create(
                [
                    Invitation(
                        user_id=user_id,
                        invited_by=actor,
                        created_at=now,
                        sent_at=now,
                        expires_at=now + INVITATION_VALID_FOR,
                    )
                    for user_id in user_ids[start : start + batch_size]
                ]
            )
            task_enqueue("accounts.tasks.send_invitations", invitations=[[i.pk, i.nonce] for i in batch])
    return len(user_ids)


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


RECOVERY_CODES = 10
WRONG_CODE = "The code is not right: enter the 6 digits your authenticator app shows now, or a recovery code"


class TwoFactorError(ValidationError):
    """A code that does not match: the message says what to do."""


def _recovery_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def authenticator_enrol(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Add the authenticator app that showed `code` for the secret `key`.

    Before: the person has no authenticator yet, and the code matches the key.
    After: a confirmed TOTP device and ten new recovery codes (returned to be shown once;
    earlier ones stop working), audited. TwoFactorError when the code is wrong.
    """
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise TwoFactorError("You already have an authenticator app set up.")
        device = TOTPDevice(user=user, name="Authenticator app", key=key, confirmed=True)
        # Checked by hand: the device's own check saves it, even when the code is wrong.
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        code = "".join(code.split())
        if not (code.isdigit() and totp.verify(int(code), device.tolerance)):
            raise TwoFactorError("The code is not right: enter the 6 digits your authenticator app shows now")
        device.last_t = totp.t()
        device.save()
        codes = _recovery_codes_replace(user)
        audit_record(
            actor=user, action="two_factor.enrolled", subject=user, summary=f"{user.display_name} set up two-factor"
        )
    return device, codes


def second_factor_check(*, user: User, code: str):
    """The device (authenticator or recovery codes) that accepts `code`, or TwoFactorError.

    A recovery code is used up by this; an authenticator code cannot be used twice; after a
    wrong code each device waits longer before it accepts another (django-otp's throttling).
    """
    code = "".join(code.split()).lower()
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                raise TwoFactorError("Too many wrong codes: wait a minute, then enter the code your app shows then")
            if device.verify_token(code):
                if isinstance(device, StaticDevice):
                    audit_record(
                        actor=user,
                        action="two_factor.recovery_code_used",
                        subject=user,
                        summary=f"{user.display_name} signed in with a recovery code",
                    )
                return device
    raise TwoFactorError(WRONG_CODE)


def recovery_codes_renew(*, user: User) -> list[str]:
    """Ten new recovery codes for someone with an authenticator; the old ones stop working. Audited."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        codes = _recovery_codes_replace(user)
        audit_record(
            actor=user,
            action="two_factor.recovery_codes_renewed",
            subject=user,
            summary=f"{user.display_name} made new recovery codes",
        )
    return codes


def _second_factor_remove(user: User) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def two_factor_turn_off(*, user: User, code: str) -> None:
    """A partner stops using a second factor, proving with a current code that it is theirs.

    Before: no role of theirs requires two-factor, and the code (authenticator or recovery)
    matches. After: their authenticator and recovery codes are gone, audited.
    TwoFactorError when a role requires it or the code is wrong.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if two_factor_required(user):
            raise TwoFactorError("Your role needs two-factor authentication, so you cannot turn it off")
        second_factor_check(user=user, code=code)
        _second_factor_remove(user)
        audit_record(
            actor=user,
            action="two_factor.turned_off",
            subject=user,
            summary=f"{user.display_name} turned off two-factor",
        )


def authenticator_reset(*, user: User, actor: User, partnership: Partnership, reason: str) -> None:
    """An administrator removes the authenticator and recovery codes of someone who lost them.

    Before: the actor administers the partnership, is not the person, and gives a reason.
    After: the person has no second factor, audited with the reason; at their next sign-in
    they set up a new one (or, as a partner, may choose not to). TwoFactorError otherwise.
    """
    if actor.pk == user.pk:
        raise TwoFactorError("You cannot reset your own authenticator: ask another administrator")
    if not may_administer(actor, partnership):
        raise TwoFactorError("Only the partnership's administrators reset an authenticator")
    if not reason.strip():
        raise TwoFactorError("Enter why the authenticator is being reset")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        # A session that gave a code keeps only its device's id (django-otp), looked up on every
        # request: with the devices gone, sessions already open are no longer verified either.
        _second_factor_remove(user)
        audit_record(
            actor=actor,
            action="two_factor.reset",
            subject=user,
            summary=f"{user.display_name}'s authenticator was reset",
            reason=reason.strip(),
        )


def work_account_signed_in(*, user: User) -> None:
    """A person's work account vouched for their email: an open invitation has served its
    purpose (they need no password) and closes, audited; nothing changes on later sign-ins."""
    with transaction.atomic():
        closed = Invitation.objects.filter(user=user, accepted_at__isnull=True).update(accepted_at=timezone.now())
        if closed:
            audit_record(
                actor=user,
                action="invitation.accepted",
                subject=user,
                summary=f"{user.display_name} signed in with a work account",
            )
