"""Reads for signing in: whose invitation is still waiting."""

from django.db.models import Exists, OuterRef, QuerySet

from .models import Invitation


def with_invitation_waiting(partners: QuerySet) -> QuerySet:
    """Partners, each marked `invitation_waiting` when they have not yet accepted their invitation."""
    return partners.annotate(
        invitation_waiting=Exists(Invitation.objects.filter(user_id=OuterRef("user_id"), accepted_at__isnull=True))
    )


def invitation_of(user) -> Invitation | None:
    return Invitation.objects.filter(user=user).first()
