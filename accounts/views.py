"""Signing in: the log-in page, accepting an invitation or asking for a password reset link
(either way the person sets their own password from a link emailed to them), a work account,
and the second factor: setting up an authenticator app, giving a code, recovery codes."""

import datetime
import textwrap
from base64 import b32encode
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from conduct.forms import LoginForm, PasswordResetRequestForm
from govuk.client_address import client_address
from govuk.rate_limits import rate_limit_hit

from . import selectors, services
from .forms import InvitationPasswordForm, SecondFactorCodeForm
from .two_factor import PROVIDER_MFA_SESSION_KEY, two_factor_required

HOUR = datetime.timedelta(hours=1)


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Django's page, throttled, with the email sent after the response through the outbox."""

    form_class = PasswordResetRequestForm

    def form_valid(self, form):
        if rate_limit_hit(
            scope="password-reset",
            key=client_address(self.request),
            limit=settings.PASSWORD_RESETS_PER_ADDRESS,
            period=HOUR,
        ):
            form.add_error(None, "There have been too many requests for a reset link from here. Try again in an hour")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        email = form.cleaned_data["email"]
        # Over the limit for one address nothing more is sent, and the page says the same as ever.
        if not rate_limit_hit(
            scope="password-reset-email", key=email.lower(), limit=settings.PASSWORD_RESETS_PER_EMAIL, period=HOUR
        ):
            services.password_reset_request(email=email)
        return HttpResponseRedirect(self.get_success_url())


@never_cache
def invitation_accept(request, token):
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationError as error:
        return render(request, "accounts/invitation_unusable.html", {"problem": error.message}, status=410)
    form = InvitationPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except services.InvitationError as error:
            return render(request, "accounts/invitation_unusable.html", {"problem": error.message}, status=410)
        login(request, user, backend="conduct.authentication.PartnerModelBackend")
        messages.success(request, "Your password is set. You are signed in.")
        return redirect("conduct:home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation, "work_account_sign_in": selectors.work_account_sign_in_configured()},
    )


NEW_CODES_SESSION_KEY = "conduct_new_recovery_codes"
SETUP_KEY_SESSION_KEY = "conduct_two_factor_setup_key"


def _next_page(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return resolve_url("conduct:home")


@never_cache
@login_required
def two_factor(request):
    """Whether the person has a second factor, new recovery codes for one who has, and (for
    a partner, whose role does not require it) turning it off with a current code."""
    has_authenticator = selectors.has_authenticator(request.user)
    required = two_factor_required(request.user)
    turn_off = SecondFactorCodeForm(
        request.POST if request.POST.get("action") == "turn-off" else None,
        label="Code from your authenticator app",
        hint="To turn two-factor off, enter the 6 digits your app shows now, or one of your recovery codes.",
        button="Turn off two-factor",
    )
    if request.method == "POST" and has_authenticator:
        if request.POST.get("action") != "turn-off":
            request.session[NEW_CODES_SESSION_KEY] = services.recovery_codes_renew(user=request.user)
            return redirect("accounts:recovery-codes")
        if turn_off.is_valid():
            try:
                services.two_factor_turn_off(user=request.user, code=turn_off.cleaned_data["code"])
            except services.TwoFactorError as error:
                turn_off.add_error("code", error.message)
            else:
                messages.success(request, "Two-factor authentication is off. You sign in with your password only.")
                return redirect("accounts:two-factor")
    return render(
        request,
        "accounts/two_factor.html",
        {
            "has_authenticator": has_authenticator,
            "codes_left": selectors.recovery_codes_left(request.user),
            "required": required,
            "form": turn_off,
        },
    )


@never_cache
@login_required
def two_factor_setup(request):
    if selectors.has_authenticator(request.user):
        return redirect(f"{resolve_url('accounts:two-factor-verify')}?next={quote(_next_page(request))}")
    # The secret stays in the session until a code from the app proves it was scanned.
    key = request.session.setdefault(SETUP_KEY_SESSION_KEY, random_hex(20))
    form = SecondFactorCodeForm(
        request.POST or None,
        label="Enter the 6-digit code your app shows",
        hint="The code changes every 30 seconds.",
        button="Continue",
    )
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.authenticator_enrol(user=request.user, key=key, code=form.cleaned_data["code"])
        except services.TwoFactorError as error:
            form.add_error("code", error.message)
        else:
            del request.session[SETUP_KEY_SESSION_KEY]
            otp_login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, "Your authenticator app is set up.")
            return redirect(f"{resolve_url('accounts:recovery-codes')}?next={quote(_next_page(request))}")
    device = TOTPDevice(user=request.user, name="Conduct", key=key)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": _next_page(request),
            "required": two_factor_required(request.user),
            "qr_code": segno.make(device.config_url, error="m").svg_inline(
                scale=5, title="QR code for your authenticator app"
            ),
            "secret": " ".join(textwrap.wrap(b32encode(device.bin_key).decode(), 4)),
        },
    )


@never_cache
@login_required
def two_factor_verify(request):
    if not user_has_device(request.user):
        return redirect(f"{resolve_url('accounts:two-factor-setup')}?next={quote(_next_page(request))}")
    form = SecondFactorCodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        hint="The 6 digits your app shows now, or one of your recovery codes if you do not have your phone.",
        button="Continue",
    )
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_check(user=request.user, code=form.cleaned_data["code"])
        except services.TwoFactorError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.info(request, f"You used a recovery code. You have {left} left: it cannot be used again.")
            return redirect(_next_page(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_page(request)})


@never_cache
@login_required
def recovery_codes(request):
    """New recovery codes, shown once: leaving the page loses them."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if codes is None:
        return redirect("accounts:two-factor")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_page(request)})


class WorkAccountSignIn(OIDCAuthenticationRequestView):
    """Off to the organisation's sign-in page; a 404 where no provider is configured."""

    def dispatch(self, request, *args, **kwargs):
        if not selectors.work_account_sign_in_configured():
            raise Http404("Signing in with a work account is not set up here.")
        return super().dispatch(request, *args, **kwargs)


class WorkAccountCallback(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if not selectors.work_account_sign_in_configured():
            raise Http404("Signing in with a work account is not set up here.")
        return super().dispatch(request, *args, **kwargs)

    def login_success(self):
        response = super().login_success()
        # The provider's word that it asked for a second factor stands in for ours.
        if getattr(self.user, "provider_used_mfa", False):
            self.request.session[PROVIDER_MFA_SESSION_KEY] = True
        return response

    def login_failure(self):
        messages.error(
            self.request,
            "Your work account did not sign you in to Conduct: it gave no verified email address that Conduct "
            "knows. Ask your programme manager to invite you with your work email address, or log in with "
            "your password.",
        )
        return super().login_failure()


class LoginPage(auth_views.LoginView):
    """Django's log-in page, offering a work account where one is configured."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(work_account_sign_in=selectors.work_account_sign_in_configured(), **kwargs)
