"""No admin pages for second factors: an administrator resets someone's authenticator on
their page in the app (accounts.services.authenticator_reset), with a reason, audited."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
