from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum
from django.utils import timezone

from govuk.client_address import client_address

from .models import User


def failed_logins_from(address: str) -> int:
    """Failed logins from one address, whatever the username, within the lock-out period."""
    attempts = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )
    return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes locks out one username tried too often from one address; this
    also locks out an address that has failed too often across usernames, which
    is what trying one common password on many accounts (password spraying) looks
    like. Either way django-axes' middleware shows the locked-out page."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        if settings.AXES_ENABLED and failed_logins_from(client_address(request)) >= settings.LOGIN_FAILURES_PER_ADDRESS:
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("Too many failed logins from this address")


class PartnerModelBackend(ModelBackend):
    """Django's own backend, reading the person's partner record with them: the
    header and nearly every page ask for it, and this saves a query on each."""

    def get_user(self, user_id):
        user = User._default_manager.select_related("partner").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
