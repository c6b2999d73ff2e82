"""Two-factor authentication: who must have it, whether this session has passed it, and the
middleware that sends everyone who must to enrol or to give a code before any other page opens."""

from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from conduct.selectors import is_administrator, roles_held

# Set on a work-account sign-in whose provider says it used more than one factor.
PROVIDER_MFA_SESSION_KEY = "conduct_provider_mfa"
# Set once the session's first page has found that a person who need not use a second factor has none.
OPTIONAL_CHECKED_SESSION_KEY = "conduct_two_factor_optional_checked"


def two_factor_required(user) -> bool:
    """Everyone with power over other people's records (administrators, programme managers,
    reviewers, panel members, chairs: every role but being a partner) must use a second factor."""
    return is_administrator(user) or bool(roles_held(user))


def second_factor_passed(request) -> bool:
    return request.user.is_verified() or bool(request.session.get(PROVIDER_MFA_SESSION_KEY))


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: no page but signing in and out opens to a person who
    must give a second factor (required of them, or turned on by them) until they have."""

    OPEN_URL_NAMES = (
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_complete",
        "accounts:two-factor-setup",
        "accounts:two-factor-verify",
        "healthz",
    )
    OPEN_PREFIXES = ("/static/", "/accounts/reset/", "/accounts/invitation/", "/accounts/oidc/")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def __call__(self, request):
        if request.user.is_authenticated and not self._is_open(request.path) and not second_factor_passed(request):
            target = self._where_to_go(request)
            if target:
                return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in self.OPEN_URL_NAMES}
        return path in self._open_paths or path.startswith(self.OPEN_PREFIXES)

    def _where_to_go(self, request) -> str | None:
        user = request.user
        if two_factor_required(user):
            return "accounts:two-factor-verify" if user_has_device(user) else "accounts:two-factor-setup"
        # A partner's own choice: their devices change only through them, so once a session
        # has found none it need not look again.
        if request.session.get(OPTIONAL_CHECKED_SESSION_KEY):
            return None
        if user_has_device(user):
            return "accounts:two-factor-verify"
        request.session[OPTIONAL_CHECKED_SESSION_KEY] = True
        return None
