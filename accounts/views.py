"""Accepting an invitation, and asking for a password reset link: either way the
person sets their own password from a link emailed to them."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from conduct.forms import PasswordResetRequestForm
from govuk.client_address import client_address
from govuk.rate_limits import rate_limit_hit

from . import services
from .forms import InvitationPasswordForm

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
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})
