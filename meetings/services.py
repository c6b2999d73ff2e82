"""State changes of meetings: recording a meeting and its agenda, declarations made at it,
what happened to each conflict, each item's decision, and publishing the record."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import dateformat, timezone

from conduct.models import Partnership, User
from conduct.services import ConductError, audit_record, partnership_policy_change
from declarations.services import (
    DeclarationError,
    decision_participation_checks,
    declaration_record_for,
    declaring_partnerships,
    normalised_name,
)

from . import selectors
from .models import (
    NAME_MAX_LENGTH,
    OUTCOME_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
    STRICTNESS,
    TITLE_MAX_LENGTH,
    AgendaItem,
    Attendee,
    ConflictHandling,
    Handling,
    ItemDecision,
    ItemSubject,
    Meeting,
    MeetingPolicy,
)


class MeetingError(ConductError):
    """A request the rules of meetings refuse, with a message for the user."""


def _text(value: str, *, limit: int, required: str) -> str:
    value = value.strip()
    if not value:
        raise MeetingError(required)
    if len(value) > limit:
        raise MeetingError(f"Keep it to {limit:,} characters or fewer.")
    return value


def _check_may_run_partnership(actor: User, partnership: Partnership) -> None:
    if not selectors.partnerships_for_meetings(actor).filter(pk=partnership.pk).exists():
        raise MeetingError(f"Only the chair or programme manager of {partnership} records its meetings.")


def _locked(meeting: Meeting, actor: User) -> Meeting:
    """The meeting, locked, for someone who runs it, while its record is still open."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=meeting.pk)
    if not selectors.may_run(actor, meeting):
        raise MeetingError(f"Only the chair or programme manager of {meeting.partnership} records this meeting.")
    if meeting.is_published:
        raise MeetingError("The record of this meeting is published: it is never changed.")
    return meeting


def _audit(meeting: Meeting, *, actor: User, action: str, summary: str, reason: str = "") -> None:
    audit_record(
        actor=actor, action=f"meeting.{action}", subject=meeting, summary=f"{meeting}: {summary}", reason=reason
    )


def meeting_create(
    *,
    actor: User,
    partnership: Partnership,
    held_on: datetime.date,
    purpose: str,
    chair: User,
    attendees: list[User],
) -> Meeting:
    """Record a meeting of a partnership, its chair and who attends.

    Before: the actor is the partnership's chair or programme manager (or an administrator); the
    chair and every attendee declare to the partnership, so that their declarations reach the
    agenda. After: the meeting is planned, the chair among its attendees; an audit entry.
    """
    purpose = _text(purpose, limit=PURPOSE_MAX_LENGTH, required="Enter the purpose of the meeting.")
    _check_may_run_partnership(actor, partnership)
    people = list(dict.fromkeys([chair, *attendees]))
    outsiders = [person for person in people if not declaring_partnerships(person).filter(pk=partnership.pk).exists()]
    if outsiders:
        names = ", ".join(person.display_name for person in outsiders)
        raise MeetingError(
            f"{names} neither belong to a member organisation of {partnership} nor hold a role in it, so they "
            "have no declarations here: add them to the partnership first."
        )
    with transaction.atomic():
        meeting = Meeting.objects.create(
            partnership=partnership, held_on=held_on, purpose=purpose, chair=chair, created_by=actor
        )
        Attendee.objects.bulk_create(Attendee(meeting=meeting, user=person) for person in people)
        _audit(
            meeting,
            actor=actor,
            action="created",
            summary=f"chaired by {chair.display_name}, {len(people)} attending",
        )
    return meeting


def meeting_item_add(
    *, meeting: Meeting, actor: User, title: str, confidential: bool, organisations: list[str], people: list[str]
) -> AgendaItem:
    """Add an item to the agenda, naming the organisations and people it concerns.

    Before: the meeting's record is open. After: the item, numbered after the last, with each
    name once (spacing tidied; an organisation linked to Conduct's record of it where there is
    one); an audit entry.
    """
    title = _text(title, limit=TITLE_MAX_LENGTH, required="Enter the title of the item.")
    names = {
        ItemSubject.Kind.ORGANISATION: _distinct_names(organisations),
        ItemSubject.Kind.PERSON: _distinct_names(people),
    }
    known = selectors.organisations_named(names[ItemSubject.Kind.ORGANISATION])
    with transaction.atomic():
        meeting = _locked(meeting, actor)
        number = (AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("number"))["last"] or 0) + 1
        item = AgendaItem.objects.create(meeting=meeting, number=number, title=title, confidential=confidential)
        ItemSubject.objects.bulk_create(
            ItemSubject(
                item=item,
                kind=kind,
                name=name,
                organisation=known.get(name.lower()) if kind == ItemSubject.Kind.ORGANISATION else None,
            )
            for kind, kind_names in names.items()
            for name in kind_names
        )
        _audit(meeting, actor=actor, action="item_added", summary=f"{item}{' (confidential)' if confidential else ''}")
    return item


def _distinct_names(names: list[str]) -> list[str]:
    distinct: dict[str, str] = {}
    for name in names:
        name = normalised_name(name)
        if len(name) > NAME_MAX_LENGTH:
            raise MeetingError(f"Keep each name to {NAME_MAX_LENGTH:,} characters or fewer.")
        if name:
            distinct.setdefault(name.lower(), name)
    return list(distinct.values())


def meeting_declaration_record(
    *,
    meeting: Meeting,
    actor: User,
    attendee: User,
    kind: str,
    situation: str,
    concerning: str,
    description: str,
    arose_on: datetime.date,
    permitted_by: str = "",
    permitted_on: datetime.date | None = None,
    practice_place: str = "",
    practice_times: str = "",
    practice_hours: Decimal | None = None,
):
    """Record a declaration an attendee makes at the meeting: it goes onto the register through
    the declarations service, submitted in the attendee's name, and joins the conflicts list.

    Before: the record is open and the attendee attends; outside employment or private practice
    says who permitted it and when (private practice also where, when and how many hours a week),
    else MeetingError by the answer, as the declarations service rules. After: the declaration (naming the
    organisation Conduct knows by that name, or else the name as given), its history saying it
    was made at this meeting; an audit entry.
    """
    concerning = normalised_name(concerning)
    if not concerning:
        raise MeetingError("Enter the organisation or person the interest concerns.")
    with transaction.atomic():
        meeting = _locked(meeting, actor)
        if not Attendee.objects.filter(meeting=meeting, user=attendee).exists():
            raise MeetingError(f"{attendee.display_name} is not attending this meeting.")
        organisation = selectors.organisations_named([concerning]).get(concerning.lower())
        try:
            declaration = declaration_record_for(
                declarant=attendee,
                partnership=meeting.partnership,
                actor=actor,
                occasion=f"Declared at the meeting of {dateformat.format(meeting.held_on, 'j F Y')} "
                f"(meeting {meeting.pk}) and recorded by {actor.display_name}.",
                kind=kind,
                situation=situation,
                counterparty_organisation=organisation,
                counterparty_name="" if organisation else concerning,
                description=description.strip(),
                arose_on=arose_on,
                permitted_by=" ".join(permitted_by.split()),
                permitted_on=permitted_on,
                practice_place=" ".join(practice_place.split()),
                practice_times=" ".join(practice_times.split()),
                practice_hours=practice_hours,
            )
        except DeclarationError as error:
            # Tied to the answer the rule refuses, when it is one.
            raise MeetingError(getattr(error, "error_dict", None) or error.messages) from error
        _audit(
            meeting,
            actor=actor,
            action="declaration_recorded",
            summary=f"{attendee.display_name} declared an interest (declaration {declaration.pk})",
        )
    return declaration


def meeting_conflict_handle(*, meeting: Meeting, actor: User, item: AgendaItem, attendee: User, handling: str):
    """Record what happened to an attendee with a conflict on an item, under the partnership's rule.

    Before: the record is open; the attendee has a declared interest in whom the item concerns;
    the handling is the rule's for that interest or stricter (leaving the room is stricter than
    staying without voting), or taking part under a dispensation in force on the day of the
    meeting. After: the handling, never changed (recording the same again changes nothing),
    naming the declaration and any dispensation; an audit entry.
    """
    if handling not in Handling.values:
        raise MeetingError("Choose what happened.")
    with transaction.atomic():
        meeting = _locked(meeting, actor)
        if item.meeting_id != meeting.pk:
            raise MeetingError("That item is not on this meeting's agenda.")
        (record,) = selectors.meeting_record(
            meeting, items=selectors.meeting_items(meeting, item_id=item.pk), attendees=[attendee]
        )
        conflict = record.conflict_of(attendee.pk)
        if conflict is None:
            raise MeetingError(f"{attendee.display_name} has declared no interest in whom this item concerns.")
        if conflict.handling is not None:
            if conflict.handling.handling == handling:
                return conflict.handling
            raise MeetingError(
                f"What happened is already recorded: {conflict.handling.get_handling_display().lower()}."
            )
        dispensation = None
        if handling == Handling.DISPENSATION:
            if not conflict.dispensations:
                raise MeetingError(
                    f"{attendee.display_name} has no dispensation in force on the day of the meeting: under the "
                    f"partnership's rule they {conflict.required_label.lower()}."
                )
            dispensation = conflict.dispensations[0]
        elif STRICTNESS.index(handling) > STRICTNESS.index(conflict.required):
            raise MeetingError(
                f"Under the partnership's rule, {attendee.display_name} "
                f"({conflict.summary}) must have {_past(conflict.required)}, unless a dispensation lets them "
                "take part."
            )
        declaration = next(
            (
                found
                for found in conflict.declarations
                if dispensation is None or found.pk == dispensation.declaration_id
            ),
            conflict.declarations[0],
        )
        recorded = ConflictHandling.objects.create(
            item=item,
            attendee=attendee,
            declaration=declaration,
            handling=handling,
            dispensation=dispensation,
            recorded_by=actor,
        )
        _audit(
            meeting,
            actor=actor,
            action="conflict_handled",
            summary=f"{item}: {attendee.display_name} ({declaration.revision.summary}): "
            f"{recorded.get_handling_display().lower()}",
        )
    return recorded


def _past(handling: str) -> str:
    return {Handling.LEFT_ROOM: "left the room", Handling.STAYED_NOT_VOTING: "stayed without voting"}[handling]


def meeting_item_decide(*, meeting: Meeting, actor: User, item: AgendaItem, outcome: str, participants: list[User]):
    """Record an item's decision and who took part in it.

    Before: the record is open; the item has no decision; what happened to every conflicted
    attendee is recorded; each participant attends, did not leave the room or abstain for this
    item, and passes the decision check on the day of the meeting (no standing conflict over
    whom the item concerns unless a dispensation covers it, no suspension). After: the decision,
    never changed; an audit entry.
    """
    outcome = _text(outcome, limit=OUTCOME_MAX_LENGTH, required="Enter what was decided.")
    participants = list(dict.fromkeys(participants))
    if not participants:
        raise MeetingError("Choose who took part in the decision.")
    with transaction.atomic():
        meeting = _locked(meeting, actor)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting)
        if ItemDecision.objects.filter(item=item).exists():
            raise MeetingError(f"{item} already has a decision: it is never changed.")
        attending = {user.pk for user in selectors.meeting_attendees(meeting)}
        strangers = [person.display_name for person in participants if person.pk not in attending]
        if strangers:
            raise MeetingError(f"{', '.join(strangers)} did not attend the meeting.")
        (record,) = selectors.meeting_record(meeting, items=selectors.meeting_items(meeting, item_id=item.pk))
        if record.unhandled:
            names = ", ".join(conflict.attendee.display_name for conflict in record.unhandled)
            raise MeetingError(f"First record what happened to the conflicts of {names} on this item.")
        took_no_part = {
            conflict.attendee.pk: conflict.handling
            for conflict in record.conflicts
            if conflict.handling.handling != Handling.DISPENSATION
        }
        refusals = [
            f"{person.display_name} {took_no_part[person.pk].get_handling_display().lower()}."
            for person in participants
            if person.pk in took_no_part
        ]
        organisations, names = selectors.item_subjects(record.item)
        checks = decision_participation_checks(
            users=participants, organisations=organisations, person_names=names, on=meeting.held_on
        )
        refusals += [check.reason_about(person) for person in participants if not (check := checks[person.pk]).allowed]
        if refusals:
            raise MeetingError(" ".join(refusals))
        decision = ItemDecision.objects.create(item=item, outcome=outcome, recorded_by=actor)
        decision.participants.set(participants)
        _audit(
            meeting,
            actor=actor,
            action="item_decided",
            summary=f"{item}: decided by {', '.join(person.display_name for person in participants)}",
            reason=outcome,
        )
    return decision


def meeting_record_publish(*, meeting: Meeting, actor: User) -> Meeting:
    """Publish the record of a meeting on the partnership's public page.

    Before: the record is open, the agenda has items, every item has a decision and every
    conflict what happened to it. After: the meeting is published and its record never changes;
    an audit entry. Publishing twice changes nothing.
    """
    with transaction.atomic():
        current = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
        if current.is_published:
            return current
        meeting = _locked(meeting, actor)
        records = selectors.meeting_record(meeting)
        if not records:
            raise MeetingError("Add the agenda's items before publishing the record.")
        undecided = [str(record.item.number) for record in records if record.decision is None]
        if undecided:
            raise MeetingError(f"Record the decision on every item first (item {', '.join(undecided)}).")
        unhandled = [str(record.item.number) for record in records if record.unhandled]
        if unhandled:
            raise MeetingError(f"Record what happened to every conflict first (item {', '.join(unhandled)}).")
        meeting.status, meeting.published_at = Meeting.Status.PUBLISHED, timezone.now()
        meeting.save(update_fields=["status", "published_at"])
        _audit(meeting, actor=actor, action="published", summary="record published")
    return meeting


def meeting_policy_change(*, partnership: Partnership, actor: User | None, changes: dict) -> list[str]:
    """Before: `changes` maps fields of MeetingPolicy (the rule for attendees with a conflict) to
    new values. After: the fields that differed are saved, within the rule's choices (else
    MeetingError, by field, and nothing is saved), and one audit entry lists them; what changed is
    returned, nothing when nothing did. Meetings whose record is open follow the new rule."""
    return partnership_policy_change(
        MeetingPolicy, partnership=partnership, actor=actor, changes=changes, error=MeetingError, name="meeting"
    )
