"""Accepting an invitation: the person sets their own password from the link emailed to them."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from . import services
from .forms import InvitationPasswordForm


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
