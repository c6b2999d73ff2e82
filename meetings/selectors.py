"""Reads for meetings: who runs which meeting, its conflicts list, and the public record."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from conduct.models import Organisation, Partnership, PartnershipRole, User, display_name
from conduct.selectors import is_administrator, partnerships_where, roles_held
from declarations.services import current_dispensations, declared_interests_read, normalised_name
from govuk.object_urls import object_url

from .models import (
    STRICTNESS,
    AgendaItem,
    ConflictHandling,
    Handling,
    ItemDecision,
    ItemSubject,
    Meeting,
    MeetingPolicy,
)

RUNNING_ROLES = (PartnershipRole.Role.CHAIR, PartnershipRole.Role.PROGRAMME_MANAGER)


# --- Who may do what --------------------------------------------------------------------


def partnerships_for_meetings(user: User) -> QuerySet[Partnership]:
    """The partnerships whose meetings the user records: as their chair or programme manager
    (administrators: all)."""
    return partnerships_where(user, *RUNNING_ROLES).order_by("name")


def may_run(user: User, meeting: Meeting) -> bool:
    """The meeting's own chair, the partnership's chair or programme manager, and administrators
    prepare a meeting and record what happened at it."""
    if not user.is_authenticated:
        return False
    if is_administrator(user) or meeting.chair_id == user.pk:
        return True
    held = roles_held(user)
    return any((meeting.partnership_id, role) in held for role in RUNNING_ROLES)


def meetings_for_user(user: User) -> QuerySet[Meeting]:
    if is_administrator(user):
        meetings = Meeting.objects.all()
    else:
        meetings = Meeting.objects.filter(partnership__in=partnerships_for_meetings(user).values("pk")) | (
            Meeting.objects.filter(chair_id=user.pk)
        )
    return meetings.select_related("partnership", "chair").order_by("-held_on", "-pk")


def meeting_for_user(user: User, pk: int) -> Meeting:
    """A meeting, for those who run it; 404 for anyone else."""
    meeting = Meeting.objects.select_related("partnership__meeting_policy", "chair").filter(pk=pk).first()
    if meeting is None or not may_run(user, meeting):
        raise Http404("No such meeting")
    return meeting


def policy_for(partnership: Partnership) -> MeetingPolicy:
    """The partnership's rule for conflicted attendees, or the defaults (not saved) if it set none.
    Read with the partnership where it was selected with it (`meeting_for_user`)."""
    try:
        return partnership.meeting_policy
    except MeetingPolicy.DoesNotExist:
        return MeetingPolicy(partnership=partnership)


# --- The conflicts list -------------------------------------------------------------------


@dataclass
class ItemConflict:
    """One attendee's conflict on one item: the declarations behind it, what the rule asks,
    the dispensations in force on the day of the meeting, and what was recorded."""

    attendee: User
    declarations: list = field(default_factory=list)
    required: str = Handling.STAYED_NOT_VOTING
    dispensations: list = field(default_factory=list)
    handling: ConflictHandling | None = None
    handling_url: str = ""  # where the chair records what happened, while the meeting is open

    @property
    def required_label(self) -> str:
        return Handling(self.required).label

    @property
    def summary(self) -> str:
        return "; ".join(declaration.revision.summary for declaration in self.declarations)


@dataclass
class ItemRecord:
    item: AgendaItem
    conflicts: list[ItemConflict]
    decision: ItemDecision | None

    @property
    def unhandled(self) -> list[ItemConflict]:
        return [conflict for conflict in self.conflicts if conflict.handling is None]

    @property
    def took_part(self) -> str:
        """Who took part in the decision, as one line (a decision of a large board names dozens)."""
        return ", ".join(self.item.took_part)

    @property
    def concerns(self) -> str:
        return ", ".join(subject.name for subject in self.item.concerned) or "Nobody named"

    def conflict_of(self, user_id: int) -> ItemConflict | None:
        return next((conflict for conflict in self.conflicts if conflict.attendee.pk == user_id), None)


@dataclass(frozen=True)
class Named:
    """An organisation as the register's matching needs it: its id and name."""

    pk: int
    name: str


@dataclass(frozen=True)
class Subject:
    """Whom an agenda item concerns: an organisation (linked to Conduct's record of it, if any) or a person."""

    kind: str
    name: str
    organisation: Named | None


def _keys(subjects) -> tuple[set[int], set[str]]:
    """The organisations an item concerns (linked records) and every name it gives, as the
    register compares them: spacing tidied, case ignored."""
    organisation_ids = {subject.organisation.pk for subject in subjects if subject.organisation}
    names = {normalised_name(subject.name).lower() for subject in subjects}
    return organisation_ids, names


def _names(declaration) -> set[str]:
    revision = declaration.revision
    names = {normalised_name(revision.counterparty_name).lower()} if revision.counterparty_name else set()
    if revision.counterparty_organisation_id:
        names.add(normalised_name(revision.counterparty_organisation.name).lower())
    return names


# What the pages read of a recorded handling: the whole rows of five tables cost a
# published record more to read than its items, names and decisions together.
_HANDLING_COLUMNS = (
    "item_id",
    "attendee_id",
    "declaration_id",
    "handling",
    "dispensation_id",
    "attendee__first_name",
    "attendee__last_name",
    "attendee__username",
    "dispensation__starts_on",
    "dispensation__ends_on",
    "dispensation__reason",
    "declaration__status",
    "declaration__revision__is_nil",
    "declaration__revision__kind",
    "declaration__revision__situation",
    "declaration__revision__counterparty_name",
    "declaration__revision__counterparty_organisation__name",
)


def meeting_items(meeting: Meeting, *, item_id: int | None = None) -> list[AgendaItem]:
    """The agenda, or one item of it, with whom each item concerns, what happened and its decision."""
    items = AgendaItem.objects.filter(meeting=meeting)
    if item_id is not None:
        items = items.filter(pk=item_id)
    # Whether anything was recorded on each item is asked with the items: before a meeting
    # nothing is, and the query for what was is then not made.
    recorded_on = ConflictHandling.objects.filter(item=OuterRef("pk"))
    items = list(items.select_related("decision").annotate(anything_recorded=Exists(recorded_on)).order_by("number"))
    # What was recorded, read in one query and shared out here: prefetch_related builds a
    # related manager and a filtered queryset per item, which cost more than the query.
    handlings: dict[int, list[ConflictHandling]] = {item.pk: [] for item in items}
    if any(item.anything_recorded for item in items):
        recorded = (
            ConflictHandling.objects.filter(item__in=list(handlings))
            .select_related("attendee", "dispensation", "declaration__revision__counterparty_organisation")
            .only(*_HANDLING_COLUMNS)
        )
        for handling in recorded:
            handlings[handling.item_id].append(handling)
    # Plain values: an agenda names dozens of organisations and people, and only their names are read.
    concerned: dict[int, list[Subject]] = {item.pk: [] for item in items}
    for item_id, kind, name, organisation_id, organisation_name in ItemSubject.objects.filter(
        item__in=[item.pk for item in items]
    ).values_list("item_id", "kind", "name", "organisation_id", "organisation__name"):
        organisation = Named(organisation_id, organisation_name) if organisation_id else None
        concerned[item_id].append(Subject(kind, name, organisation))
    # Who took part, as names: a board's decisions name hundreds of people, and nothing else of them is read.
    took_part: dict[int, list[str]] = {}
    decisions = [decision.pk for item in items if (decision := _decision(item))]
    participants = (
        ItemDecision.participants.through.objects.filter(itemdecision_id__in=decisions)
        .order_by("user__last_name", "user__first_name", "user_id")
        .values_list("itemdecision_id", "user__first_name", "user__last_name", "user__username")
        if decisions
        else ()
    )
    for decision_id, first_name, last_name, username in participants:
        took_part.setdefault(decision_id, []).append(display_name(first_name, last_name, username))
    for item in items:
        item.recorded_handlings = handlings[item.pk]
        item.concerned = concerned[item.pk]
        decision = _decision(item)
        item.took_part = took_part.get(decision.pk, []) if decision else []
    return items


def meeting_attendees(meeting: Meeting) -> list[User]:
    """The attendees as the pages name them: an account is read with only its names (a board
    brings dozens, and each whole account cost more to build than the query)."""
    return list(
        User.objects.filter(meetings_attended__meeting=meeting)
        .only("first_name", "last_name", "username")
        .order_by("last_name", "first_name", "meetings_attended__pk")
    )


def meeting_record(meeting: Meeting, *, items=None, attendees=None, policy=None) -> list[ItemRecord]:
    """The conflicts list: each attendee's declared interests matched against each item, by
    organisation and by person, with what the partnership's rule asks of them; with what was
    recorded at the meeting. A fixed number of queries, however many attendees and items.

    While the meeting is planned the list is read afresh from the register (so a declaration
    made on the spot joins it); once its record is published, only what was recorded counts.
    """
    items = meeting_items(meeting) if items is None else items
    attendees = meeting_attendees(meeting) if attendees is None else attendees
    records = [ItemRecord(item=item, conflicts=[], decision=_decision(item)) for item in items]
    by_item = {record.item.pk: {} for record in records}
    for record in records:
        for handling in record.item.recorded_handlings:
            by_item[record.item.pk][handling.attendee_id] = ItemConflict(
                attendee=handling.attendee, declarations=[handling.declaration], handling=handling
            )
    if not meeting.is_published and attendees and items:
        subjects = [subject for item in items for subject in item.concerned]
        organisations = [subject.organisation for subject in subjects if subject.organisation]
        interests = declared_interests_read(
            user_ids=[user.pk for user in attendees],
            organisations=organisations,
            person_names=[subject.name for subject in subjects],
            on=meeting.held_on,
        )
        # Shared out here rather than by prefetch_related, whose machinery cost more than the query.
        in_force = {declaration.pk: [] for declaration in interests}
        if in_force:
            for dispensation in (
                current_dispensations(on=meeting.held_on)
                .filter(declaration__in=list(in_force))
                .order_by("ends_on", "pk")
            ):
                in_force[dispensation.declaration_id].append(dispensation)
        people = {user.pk: user for user in attendees}
        keys = {item.pk: _keys(item.concerned) for item in items}
        for declaration in interests:
            for item in items:
                organisation_ids, names = keys[item.pk]
                if declaration.revision.counterparty_organisation_id not in organisation_ids and not (
                    _names(declaration) & names
                ):
                    continue
                conflicts = by_item[item.pk]
                conflict = conflicts.setdefault(
                    declaration.declarant_id, ItemConflict(attendee=people[declaration.declarant_id])
                )
                if conflict.handling is None:
                    conflict.declarations.append(declaration)
                    conflict.dispensations.extend(in_force[declaration.pk])
    if meeting.is_published:
        # What the rule asked is no part of the published record.
        for record in records:
            record.conflicts = _in_order(by_item[record.item.pk].values())
        return records
    policy = policy or policy_for(meeting.partnership)
    for record in records:
        for conflict in by_item[record.item.pk].values():
            conflict.handling_url = object_url(
                "meetings:conflict-handle", pk=meeting.pk, item_id=record.item.pk, user_id=conflict.attendee.pk
            )
            conflict.required = min(
                (policy.required_for(declaration.revision.kind) for declaration in conflict.declarations),
                key=STRICTNESS.index,
            )
        record.conflicts = _in_order(by_item[record.item.pk].values())
    return records


def _in_order(conflicts) -> list[ItemConflict]:
    return sorted(
        conflicts,
        key=lambda conflict: (conflict.attendee.last_name, conflict.attendee.first_name, conflict.attendee.pk),
    )


def _decision(item: AgendaItem) -> ItemDecision | None:
    try:
        return item.decision
    except ItemDecision.DoesNotExist:
        return None


def item_subjects(item: AgendaItem) -> tuple[list, list[str]]:
    """Whom an item (read by `meeting_items`) concerns, as the decision check asks: organisations and names."""
    organisations = [subject.organisation for subject in item.concerned if subject.organisation]
    return organisations, [subject.name for subject in item.concerned]


# --- The public record ------------------------------------------------------------------


def public_meetings(partnership: Partnership) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(partnership=partnership, status=Meeting.Status.PUBLISHED)
        .select_related("partnership")
        .order_by("-held_on", "-pk")
    )


def public_meeting(partnership_slug: str, pk: int) -> Meeting:
    """A published meeting of the partnership, read with it in one query (404 for any other)."""
    meeting = (
        Meeting.objects.filter(partnership__slug=partnership_slug, status=Meeting.Status.PUBLISHED, pk=pk)
        .select_related("partnership", "chair")
        .first()
    )
    if meeting is None:
        raise Http404("No such published meeting")
    return meeting


def organisations_named(names) -> dict[str, Organisation]:
    """Conduct's organisations by name, spacing tidied and case ignored: the folded name -> it."""
    wanted = {normalised_name(name).lower() for name in names if normalised_name(name)}
    if not wanted:
        return {}
    found = Organisation.objects.annotate(key=Lower("name")).filter(key__in=sorted(wanted))
    return {organisation.name.lower(): organisation for organisation in found}
