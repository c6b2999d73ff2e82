"""Signing in with a work account through OpenID Connect (Microsoft Entra ID, or any standard
provider), by mozilla-django-oidc: the provider vouches for an email address, and a person
already invited to Conduct with that address signs in. Nobody gets an account this way."""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from conduct.models import User

from . import services


class WorkAccountBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        # An address the provider has not verified could be anyone's.
        return bool(claims.get("email")) and claims.get("email_verified") is True

    def filter_users_by_claims(self, claims):
        return User.objects.filter(email__iexact=claims["email"].strip(), is_active=True)

    def create_user(self, claims):
        return None

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        # How the person proved who they are is in the ID token (RFC 8176), not the user info.
        claims["amr"] = payload.get("amr") or []
        return claims

    def update_user(self, user, claims):
        user.provider_used_mfa = "mfa" in claims["amr"]
        services.work_account_signed_in(user=user)
        return user

    def get_user(self, user_id):
        return User.objects.select_related("partner").filter(pk=user_id, is_active=True).first()
