"""Invitations: how a person added by someone else comes to sign in, without anyone setting their password."""

import datetime
import secrets

from django.db import models
from django.utils import timezone

from conduct.models import User

INVITATION_VALID_FOR = datetime.timedelta(days=7)


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """One person's invitation. The link carries a signed nonce: sending again draws a new
    nonce, so only the latest link works, and accepting it closes the invitation for good."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="invitation")
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    nonce = models.CharField(max_length=64, default=new_nonce)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now, help_text="When the latest link was issued.")
    expires_at = models.DateTimeField()
    times_sent = models.PositiveSmallIntegerField(default=1)
    # The nonce whose email has gone (or is going) out: a retried task sends each link once.
    emailed_nonce = models.CharField(max_length=64, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user"], condition=models.Q(accepted_at__isnull=True), name="invitation_open")]

    def __str__(self) -> str:
        return f"Invitation of {self.user.email}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and timezone.now() < self.expires_at
