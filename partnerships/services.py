"""Changes that span the floors below: adding a person (conduct) and inviting them (accounts) in one transaction."""

from django.db import transaction

from accounts import services as account_services
from conduct import services as conduct_services
from conduct.models import Organisation, Partnership, User

from .people_import import ImportCheck


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


def people_import(
    *, actor: User | None, partnership: Partnership, check: ImportCheck, source: str, dry_run: bool = False
) -> dict:
    """Record every row of a checked list, and invite the people new to Conduct; nothing at all when
    any row is bad. A dry run works out the same counts and writes nothing."""
    if not check.is_valid:
        raise conduct_services.ConductError([f"Row {number}: {message}" for number, message in check.problems])
    with transaction.atomic():
        counts = conduct_services.people_record_many(
            partnership=partnership, actor=actor, people=check.rows, source=source
        )
        if dry_run:
            transaction.set_rollback(True)
        else:
            account_services.invitations_send_many(user_ids=counts["created_ids"], actor=actor)
    return counts
