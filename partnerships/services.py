"""Changes that span the floors below: adding a person (conduct) and inviting them (accounts) in one transaction."""

import io
from collections.abc import Container

from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from breaches import services as breach_services
from conduct import selectors as conduct_selectors
from conduct import services as conduct_services
from conduct.models import Organisation, Partnership, User
from declarations import services as declaration_services
from meetings import services as meeting_services

from .models import PeopleUpload
from .people_import import ImportCheck, ImportFileError, check_file


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
    *,
    actor: User | None,
    partnership: Partnership,
    check: ImportCheck,
    source: str,
    dry_run: bool = False,
    full_list: bool = False,
) -> dict:
    """Record every row of a checked list, invite the people new to Conduct, and end those who have
    left: rows whose end_date has come and, for a full list, everyone of the partnership not on it.
    Nothing at all when any row is bad. A dry run works out the same counts and names and writes nothing.

    The file is read a second time and written a chunk at a time inside the one transaction, so
    that what is held as the list grows is the check's emails, not the people.
    """
    if not check.is_valid:
        raise conduct_services.ConductError([f"Row {number}: {message}" for number, message in check.problems])
    today = timezone.localdate()
    ended_emails = set()

    def people():
        for person in check.people_listed():
            if person.ended_on is not None and person.ended_on <= today:
                ended_emails.add(person.email)
            yield person

    def invite(user_ids: list[int]) -> None:
        account_services.invitations_send_many(user_ids=user_ids, actor=actor)

    with transaction.atomic():
        # Organisations the list names that are not members join first, so that the second
        # reading finds their people's organisation.
        added = []
        for key, (name, started_on) in sorted(check.organisations_to_add.items()):
            membership = conduct_services.organisation_join(
                partnership=partnership, actor=actor, name=name, started_on=started_on
            )
            check.reader.organisations[key] = membership.organisation
            added.append(membership.organisation.name)
        counts = conduct_services.people_record_many(
            partnership=partnership,
            actor=actor,
            people=people(),
            source=source,
            on_created=None if dry_run else invite,
        )
        leaving = (
            [
                partner
                for partner in conduct_selectors.partners_missing_from(
                    partnership, _StillListed(listed=check.emails, ended=ended_emails)
                )
                if full_list or partner.user.email.lower() in ended_emails
            ]
            if full_list or ended_emails
            else []
        )
        counts["organisations_added"] = added
        counts["leaving"] = [f"{partner.user.display_name} ({partner.organisation})" for partner in leaving]
        conduct_services.partners_leave(
            partner_ids=[partner.pk for partner in leaving],
            reason=f"Not on the list of people imported from {source}" if full_list else f"Ended in {source}",
            actor=actor,
        )
        if dry_run:
            transaction.set_rollback(True)
    return counts


class _StillListed:
    """The emails on a list less those whose row ended them: a view of both, not a copy of the list."""

    def __init__(self, *, listed: Container[str], ended: Container[str]):
        self.listed, self.ended = listed, ended

    def __contains__(self, email: str) -> bool:
        return email in self.listed and email not in self.ended


def people_upload_keep(
    *,
    actor: User,
    partnership: Partnership,
    filename: str,
    content: bytes,
    full_list: bool,
    adds_organisations: bool = False,
) -> PeopleUpload:
    """Keep an uploaded list for its preview; nothing about people is written yet."""
    return PeopleUpload.objects.create(
        partnership=partnership,
        uploaded_by=actor,
        filename=filename[:200],
        content=content,
        full_list=full_list,
        adds_organisations=adds_organisations,
    )


def people_upload_check(upload: PeopleUpload) -> ImportCheck:
    """The first reading of a kept list. ImportFileError when it cannot be read at all."""
    return check_file(
        partnership=upload.partnership,
        name=upload.filename,
        file=io.BytesIO(upload.content),
        adds_organisations=upload.adds_organisations,
    )


def people_upload_import(*, upload: PeopleUpload, actor: User) -> dict:
    """Import a previewed list once it is confirmed; confirming twice imports once."""
    with transaction.atomic():
        upload = PeopleUpload.objects.select_for_update().select_related("partnership").get(pk=upload.pk)
        if upload.imported_at is not None:
            raise conduct_services.ConductError("This list has been imported already.")
        try:
            check = people_upload_check(upload)
        except ImportFileError as error:
            raise conduct_services.ConductError(str(error)) from None
        counts = people_import(
            actor=actor, partnership=upload.partnership, check=check, source=upload.filename, full_list=upload.full_list
        )
        upload.imported_at = timezone.now()
        upload.save(update_fields=["imported_at"])
    return counts


def policies_change(
    *,
    partnership: Partnership,
    actor: User,
    declaration_changes: dict,
    breach_changes: dict,
    meeting_changes: dict,
) -> list[str]:
    """The partnership's policies change together or not at all; what changed is returned."""
    with transaction.atomic():
        return (
            declaration_services.declaration_policy_change(
                partnership=partnership, actor=actor, changes=declaration_changes
            )
            + meeting_services.meeting_policy_change(partnership=partnership, actor=actor, changes=meeting_changes)
            + breach_services.breach_policy_change(partnership=partnership, actor=actor, changes=breach_changes)
        )
