"""Reads for signing in: whose invitation is still waiting, who has a second factor."""

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Invitation


def work_account_sign_in_configured() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def with_invitation_waiting(partners: QuerySet) -> QuerySet:
    """Partners, each marked `invitation_waiting` when they have not yet accepted their invitation."""
    return partners.annotate(
        invitation_waiting=Exists(Invitation.objects.filter(user_id=OuterRef("user_id"), accepted_at__isnull=True))
    )


def invitation_of(user) -> Invitation | None:
    return Invitation.objects.filter(user=user).first()


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_second_factor(user) -> bool:
    """Whether the person has any authenticator or recovery codes, confirmed or not."""
    return user_has_device(user, confirmed=None)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()
