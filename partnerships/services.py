"""Changes that span the floors below: adding a person (conduct) and inviting them (accounts) in one transaction."""

from django.db import transaction

from accounts import services as account_services
from conduct import services as conduct_services
from conduct.models import Organisation, Partnership, User


def person_add_and_invite(
    *,
    actor: User,
    partnership: Partnership,
    name: str,
    email: str,
    organisation: Organisation | None,
    job_title: str = "",
    roles: list[str] = (),
) -> User:
    """Add the person and, if they have never signed in, email them an invitation to set their password."""
    with transaction.atomic():
        user = conduct_services.person_add(
            actor=actor,
            partnership=partnership,
            name=name,
            email=email,
            organisation=organisation,
            job_title=job_title,
            roles=roles,
        )
        account_services.invitation_send(user=user, actor=actor)
    return user
