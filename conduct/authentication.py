from django.contrib.auth.backends import ModelBackend

from .models import User


class PartnerModelBackend(ModelBackend):
    """Django's own backend, reading the person's partner record with them: the
    header and nearly every page ask for it, and this saves a query on each."""

    def get_user(self, user_id):
        user = User._default_manager.select_related("partner").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
