"""Reads for the conduct app: who may see what, and the pages' queries."""

import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, FilteredRelation, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from . import review_schedule
from .models import (
    AuditEntry,
    Code,
    CodeReview,
    CodeVersion,
    EmailDelivery,
    Item,
    Membership,
    Organisation,
    Partner,
    Partnership,
    PartnershipRole,
    Role,
    RoleLabel,
    Section,
    Signature,
    Suspension,
    User,
    display_name,
)


def is_administrator(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def suspension_of(user: User, *, on: datetime.date | None = None) -> "Suspension | None":
    """The suspension that stops this partner taking part in decisions on the day, if any:
    one of their whole organisation, or one naming them (whatever its case)."""
    partner = partner_for_user(user)
    if partner is None:
        return None
    on = on or timezone.localdate()
    return (
        Suspension.objects.filter(
            organisation_id=partner.organisation_id, lifted_at__isnull=True, starts_on__lte=on, ends_on__gt=on
        )
        .filter(Q(person_name="") | Q(person_name__iexact=user.display_name))
        .select_related("partnership", "organisation")
        .first()
    )


def suspensions_stopping(users, *, on: datetime.date) -> dict[int, Suspension]:
    """`suspension_of` for several people at once, in two queries: user id -> the suspension
    that stops them on the day, for those it stops."""
    partners = {
        partner.user_id: partner for partner in Partner.objects.filter(user__in=list(users)).select_related("user")
    }
    running = Suspension.objects.filter(
        organisation_id__in={partner.organisation_id for partner in partners.values()},
        lifted_at__isnull=True,
        starts_on__lte=on,
        ends_on__gt=on,
    ).select_related("partnership", "organisation")
    found: dict[int, Suspension] = {}
    for suspension in running:
        for user_id, partner in partners.items():
            covers = not suspension.person_name or suspension.person_name.casefold() == (
                partner.user.display_name.casefold()
            )
            if partner.organisation_id == suspension.organisation_id and covers:
                found.setdefault(user_id, suspension)
    return found


@dataclass(frozen=True)
class RunningSuspensions:
    """The suspensions running on a day, read once, for lists that mark who is suspended."""

    of_organisation: dict[str, Suspension]
    of_person: dict[tuple[str, str], Suspension]

    def of(self, *, organisation_name: str | None, person_name: str) -> "Suspension | None":
        """The suspension covering a person of an organisation (both by name), if any: as suspension_of decides."""
        if not organisation_name:
            return None
        return self.of_organisation.get(organisation_name) or self.of_person.get(
            (organisation_name, person_name.lower())
        )


def running_suspensions(*, on: datetime.date | None = None) -> RunningSuspensions:
    on = on or timezone.localdate()
    running = Suspension.objects.filter(lifted_at__isnull=True, starts_on__lte=on, ends_on__gt=on).select_related(
        "organisation", "partnership"
    )
    of_organisation, of_person = {}, {}
    for suspension in running:
        if suspension.person_name:
            of_person[(suspension.organisation.name, suspension.person_name.lower())] = suspension
        else:
            of_organisation[suspension.organisation.name] = suspension
    return RunningSuspensions(of_organisation, of_person)


def partner_for_user(user: User) -> Partner | None:
    if not user.is_authenticated:
        return None
    try:
        return user.partner
    except Partner.DoesNotExist:
        return None


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Connection:
    """How someone is bound to what a decision or a case concerns: they work for the
    organisation, or they are the person (or their organisation is the body) it names."""

    organisation: str = ""  # the organisation they work for, which it concerns
    named: str = ""  # the name under which it names them or their organisation

    def __bool__(self) -> bool:
        return bool(self.organisation or self.named)

    def sentence(self, person: User | None = None) -> str:
        """Why they may not take part, addressed to them, or about them for whoever would assign them."""
        if self.organisation:
            who = f"{person.display_name} works" if person else "You work"
            return f"{who} for {self.organisation}, which this concerns: someone else must take part instead."
        whom = person.display_name if person else "you"
        return f"It names {whom} ({self.named}): someone else must take part instead."


def personal_connection(user: User, *, organisation: Organisation | None = None, person_name: str = "") -> Connection:
    """Whether the user works for the organisation a decision or a case concerns, or is the
    person it names (their name, or their organisation's, whatever its case and spacing).
    Such a person is a party, not a judge: they handle no case about it, see no reporter,
    decide nothing about it and review no declaration naming it (penetration test, finding 1).
    `unconnected` is the same rule as a filter on cases."""
    if not user.is_authenticated:
        return Connection()
    partner = partner_for_user(user)
    if partner is not None and organisation is not None and partner.organisation_id == organisation.pk:
        return Connection(organisation=organisation.name)
    name = _name_key(person_name)
    if name and name in _own_name_keys(user, partner):
        return Connection(named=" ".join(person_name.split()))
    return Connection()


def _own_name_keys(user: User, partner: Partner | None) -> set[str]:
    keys = {_name_key(user.display_name)}
    if partner is not None:
        keys.add(_name_key(partner.organisation.name))
    return keys


def unconnected(user: User, *, organisation_field: str, person_field: str) -> Q:
    """Rows (cases) about neither the user's organisation nor the user by name: the rule of
    `personal_connection`, as a filter."""
    if not user.is_authenticated:
        return Q()
    partner = partner_for_user(user)
    connected = Q()
    for key in _own_name_keys(user, partner):
        connected |= Q(**{f"{person_field}__iexact": key})
    if partner is not None:
        connected |= Q(**{organisation_field: partner.organisation_id})
    return ~connected


def _roles_with_codes(user: User) -> frozenset[tuple[int, str, int | None]]:
    """(partnership id, role, id of the code the partnership adopts) for every
    role the user holds, read once per user object, so once per request however
    many checks a page makes."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_roles_held"):
        user._roles_held = frozenset(
            PartnershipRole.objects.filter(user=user).values_list("partnership_id", "role", "partnership__code_id")
        )
    return user._roles_held


def roles_held(user: User) -> frozenset[tuple[int, str]]:
    """(partnership id, role) for every role the user holds."""
    return frozenset((partnership_id, role) for partnership_id, role, _ in _roles_with_codes(user))


def partnership_ids_where(user: User, *roles: str) -> list[int]:
    """The ids of the partnerships in which the user holds any of these roles (not administrators' all)."""
    return sorted({partnership_id for partnership_id, role, _ in _roles_with_codes(user) if role in roles})


def partnerships_where(user: User, *roles: str) -> QuerySet[Partnership]:
    """The partnerships in which the user holds any of these roles (administrators: all)."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    if is_administrator(user):
        return Partnership.objects.all()
    return Partnership.objects.filter(pk__in=partnership_ids_where(user, *roles))


def partnerships_managed_by(user: User) -> QuerySet[Partnership]:
    return partnerships_where(user, PartnershipRole.Role.PROGRAMME_MANAGER)


def partnership_ids_managed_for_code(user: User, code_id: int) -> list[int]:
    """The partnerships adopting this code that the user manages (administrators: all that adopt it)."""
    if is_administrator(user):
        return list(Partnership.objects.filter(code_id=code_id).order_by("pk").values_list("pk", flat=True))
    manager = PartnershipRole.Role.PROGRAMME_MANAGER
    return sorted(
        partnership_id for partnership_id, role, code in _roles_with_codes(user) if role == manager and code == code_id
    )


def is_programme_manager(user: User) -> bool:
    return bool(partnership_ids_where(user, PartnershipRole.Role.PROGRAMME_MANAGER))


def current_memberships(*, on=None) -> QuerySet[Membership]:
    on = on or timezone.localdate()
    return Membership.objects.filter(Q(started_on__lte=on), Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def partnerships_of_partner(partner: Partner) -> QuerySet[Partnership]:
    return Partnership.objects.filter(
        pk__in=current_memberships().filter(organisation_id=partner.organisation_id).values("partnership_id")
    )


def codes_of_partner(partner: Partner) -> QuerySet[Code]:
    return Code.objects.filter(partnerships__in=partnerships_of_partner(partner)).distinct()


def partner_may_sign(partner: Partner, version: CodeVersion) -> bool:
    return codes_of_partner(partner).filter(pk=version.code_id).exists()


def published_versions() -> QuerySet[CodeVersion]:
    return CodeVersion.objects.filter(status=CodeVersion.Status.PUBLISHED).select_related("code")


def visible_versions(user: User) -> QuerySet[CodeVersion]:
    """Everyone may read what was ever published; only administrators see drafts."""
    versions = CodeVersion.objects.select_related("code")
    if is_administrator(user):
        return versions
    return versions.exclude(status=CodeVersion.Status.DRAFT)


def with_content(versions: QuerySet[CodeVersion]) -> QuerySet[CodeVersion]:
    return versions.prefetch_related(
        Prefetch(
            "sections",
            queryset=Section.objects.order_by("position", "pk").prefetch_related(
                Prefetch("items", queryset=Item.objects.order_by("position", "pk").select_related("principle"))
            ),
        )
    )


def version_for_user(user: User, *, code_slug: str, number: int, content: bool = True) -> CodeVersion:
    versions = visible_versions(user)
    if content:
        versions = with_content(versions)
    try:
        return versions.get(code__slug=code_slug, number=number)
    except CodeVersion.DoesNotExist as exc:
        raise Http404("No such version of this code") from exc


def code_versions(code: Code, user: User) -> QuerySet[CodeVersion]:
    return visible_versions(user).filter(code=code).order_by("-number")


def published_version_ids() -> list[int]:
    return list(CodeVersion.objects.filter(status=CodeVersion.Status.PUBLISHED).values_list("pk", flat=True))


def current_version(code: Code) -> CodeVersion | None:
    return code.versions.filter(status=CodeVersion.Status.PUBLISHED).first()


def public_codes() -> QuerySet[Code]:
    return (
        Code.objects.filter(versions__status=CodeVersion.Status.PUBLISHED)
        .prefetch_related(Prefetch("versions", queryset=published_versions(), to_attr="published"))
        .distinct()
    )


def signature_for_user(user: User, reference) -> Signature:
    """A receipt is for the partner who signed, the programme managers of the
    partnerships that adopt the code, and administrators."""
    signature = (
        Signature.objects.select_related("partner__user", "organisation", "version__code", "signed_text")
        .filter(reference=reference)
        .first()
    )
    if signature is None:
        raise Http404("No such signature")
    partner = partner_for_user(user)
    if partner and partner.pk == signature.partner_id:
        return signature
    if partnership_ids_managed_for_code(user, signature.version.code_id):
        return signature
    raise Http404("No such signature")


def partner_code_overview(partner: Partner) -> list[dict]:
    """For each code the partner's partnerships adopt: the current version,
    the partner's signature of it, and the version they signed before."""
    codes = list(codes_of_partner(partner).order_by("title"))
    current = {v.code_id: v for v in published_versions().filter(code__in=codes)}
    signatures = (
        Signature.objects.filter(partner=partner, version__code__in=codes, status=Signature.Status.ACTIVE)
        .select_related("version")
        .order_by("version__code_id", "-version__number")
    )
    latest_signature: dict[int, Signature] = {}
    for signature in signatures:
        latest_signature.setdefault(signature.version.code_id, signature)
    overview = []
    for code in codes:
        version = current.get(code.pk)
        signed = latest_signature.get(code.pk)
        overview.append(
            {
                "code": code,
                "version": version,
                "signature": signed if signed and version and signed.version_id == version.pk else None,
                "earlier_signature": signed if signed and version and signed.version_id != version.pk else None,
            }
        )
    return overview


def partner_signatures(partner: Partner) -> QuerySet[Signature]:
    return Signature.objects.filter(partner=partner).select_related("version__code").order_by("-signed_at")


def active_signature(partner: Partner, version: CodeVersion) -> Signature | None:
    """The partner's signature of the version, if it stands: having one is what 'already signed' means."""
    return Signature.objects.filter(partner=partner, version=version, status=Signature.Status.ACTIVE).first()


def signature_to_show(partner: Partner, version: CodeVersion, *, may_sign: bool) -> Signature | None:
    """The signature to show instead of the signing form: the one that stands, or, when the
    partner may no longer sign, the last that ended (its membership ended)."""
    signatures = partner.signatures.filter(version=version)
    if may_sign:
        return signatures.filter(status=Signature.Status.ACTIVE).first()
    return signatures.order_by("status", "-signed_at").first()


def partners_expected_to_sign(version: CodeVersion, *, partnerships=None) -> QuerySet[Partner]:
    """Partners whose organisations are current members of a partnership that adopts the code."""
    memberships = current_memberships().filter(partnership__code_id=version.code_id)
    if partnerships is not None:
        memberships = memberships.filter(partnership__in=partnerships)
    return Partner.objects.filter(organisation_id__in=memberships.values("organisation_id"), user__is_active=True)


def _with_signature_of(partners: QuerySet[Partner], version: CodeVersion) -> QuerySet[Partner]:
    """Joins each partner's active signature of the version, if any (one join, not a subquery per column)."""
    return partners.annotate(
        signature_of_version=FilteredRelation(
            "signatures", condition=Q(signatures__version=version, signatures__status=Signature.Status.ACTIVE)
        )
    )


@dataclass(frozen=True, slots=True)
class PartnerSignatureStatus:
    """A partner expected to sign a version: whether and when they signed, and when they were asked and reminded."""

    partner_id: int
    name: str
    email: str
    organisation: str
    signed_at: datetime.datetime | None
    signature_reference: uuid.UUID | None
    requested_at: datetime.datetime | None
    reminder_count: int | None
    last_reminded_at: datetime.datetime | None


_SIGNATURE_STATUS_COLUMNS = (
    "pk",
    "user__first_name",
    "user__last_name",
    "user__username",
    "user__email",
    "organisation__name",
    "signed_at",
    "signature_reference",
    "requested_at",
    "reminder_count",
    "last_reminded_at",
)


def signature_status(version: CodeVersion, *, organisation_ids: list[int]) -> QuerySet:
    """The partners of these organisations expected to sign this version, by
    organisation and name, as plain values (building three model instances per
    row cost more than the query): read them with `signature_status_rows`."""
    partners = Partner.objects.filter(organisation_id__in=organisation_ids, user__is_active=True)
    return (
        _with_signature_of(partners, version)
        .annotate(
            request_for_version=FilteredRelation("signature_requests", condition=Q(signature_requests__version=version))
        )
        .annotate(
            signed_at=F("signature_of_version__signed_at"),
            signature_reference=F("signature_of_version__reference"),
            requested_at=F("request_for_version__requested_at"),
            reminder_count=F("request_for_version__reminder_count"),
            last_reminded_at=F("request_for_version__last_reminded_at"),
        )
        .order_by("organisation__name", "user__last_name", "user__first_name", "pk")
        .values_list(*_SIGNATURE_STATUS_COLUMNS)
    )


def signature_status_rows(rows) -> Iterator[PartnerSignatureStatus]:
    for partner_id, first_name, last_name, username, email, organisation, *status in rows:
        yield PartnerSignatureStatus(
            partner_id, display_name(first_name, last_name, username), email, organisation, *status
        )


@dataclass(frozen=True)
class OrganisationTally:
    organisation_id: int
    name: str
    expected: int
    signed: int


# The tallies are read on every view of the signature dashboard, and building
# this query with the ORM took half as long again as PostgreSQL takes to run it.
# It restates partners_expected_to_sign: tests/conduct/test_signature_dashboard.py
# proves the two count the same partners on awkward data.
_SIGNATURE_TALLIES_SQL = """
SELECT partner.organisation_id, organisation.name, COUNT(*), COUNT(signature.partner_id)
FROM conduct_partner partner
JOIN conduct_organisation organisation ON organisation.id = partner.organisation_id
LEFT JOIN conduct_signature signature
    ON signature.partner_id = partner.id AND signature.version_id = %s AND signature.status = %s
WHERE partner.organisation_id IN (
    SELECT organisation_id FROM conduct_membership
    WHERE partnership_id IN ({partnerships}) AND started_on <= %s AND (ended_on IS NULL OR ended_on > %s)
)
-- Closed accounts are few: ruling them out from a small index costs far less
-- than looking up every partner's account to see that it is open.
AND NOT EXISTS (SELECT 1 FROM conduct_user account WHERE account.id = partner.user_id AND NOT account.is_active)
GROUP BY partner.organisation_id, organisation.name
ORDER BY organisation.name, partner.organisation_id
"""


def signature_tallies(version: CodeVersion, *, partnership_ids: list[int]) -> list[OrganisationTally]:
    """For each current member organisation of these partnerships (which adopt
    the version's code), by name: how many of its partners are expected to sign
    the version and how many have, counted in one pass over the partners."""
    if not partnership_ids:
        return []
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    sql = _SIGNATURE_TALLIES_SQL.format(partnerships=", ".join(["%s"] * len(partnership_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [version.pk, Signature.Status.ACTIVE.value, *partnership_ids, today, today])
        rows = cursor.fetchall()
    return [OrganisationTally(*row) for row in rows]


def signature_totals(tallies: list[OrganisationTally]) -> dict:
    total = sum(tally.expected for tally in tallies)
    signed = sum(tally.signed for tally in tallies)
    return {
        "total": total,
        "signed": signed,
        "outstanding": total - signed,
        "percent_signed": round(100 * signed / total) if total else 0,
    }


def signatures_by_day(version: CodeVersion, *, tallies: list[OrganisationTally]) -> list[tuple[datetime.date, int]]:
    """How many of the tallied organisations' partners had signed the version by the end of
    each day on which someone signed, from publishing (none) to today: the dashboard's
    count over time. Ended signatures no longer count, as on the dashboard."""
    days = (
        Signature.objects.filter(
            version=version,
            status=Signature.Status.ACTIVE,
            partner__organisation_id__in=[tally.organisation_id for tally in tallies],
            partner__user__is_active=True,
        )
        .annotate(day=TruncDate("signed_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(signed=Count("pk"))
        .order_by("day")
    )
    start = timezone.localdate(version.published_at) if version.published_at else None
    running, points = 0, [(start, 0)] if start else []
    for row in days:
        running += row["signed"]
        if points and points[-1][0] == row["day"]:
            points[-1] = (row["day"], running)
        else:
            points.append((row["day"], running))
    today = timezone.localdate()
    if points and points[-1][0] < today:
        points.append((today, running))
    return points


class SignatureStatusList:
    """The signature dashboard's partners, by organisation then name, read a page
    at a time. The tallies say how many rows each organisation has, so a page
    reads only the partners of the organisations it spans instead of sorting
    every partner of the partnership."""

    def __init__(self, version: CodeVersion, *, tallies: list[OrganisationTally], status: str = ""):
        self.version = version
        self.status = status
        self.rows_per_organisation = []
        for tally in tallies:
            rows = {"signed": tally.signed, "outstanding": tally.expected - tally.signed}.get(status, tally.expected)
            if rows:
                self.rows_per_organisation.append((tally.organisation_id, rows))

    def __len__(self) -> int:
        return sum(rows for _, rows in self.rows_per_organisation)

    def __getitem__(self, window: slice) -> list[PartnerSignatureStatus]:
        start, stop = window.start or 0, min(window.stop, len(self))
        spanned, offset, before = [], 0, 0
        for organisation_id, rows in self.rows_per_organisation:
            if before < stop and before + rows > start:
                if not spanned:
                    offset = start - before
                spanned.append(organisation_id)
            before += rows
        if not spanned:
            return []
        partners = signature_status(self.version, organisation_ids=spanned)
        if self.status:
            partners = partners.filter(signed_at__isnull=(self.status == "outstanding"))
        return list(signature_status_rows(partners[offset : offset + stop - start]))


def codes_for_management() -> QuerySet[Code]:
    return Code.objects.order_by("title").prefetch_related(
        Prefetch("versions", queryset=CodeVersion.objects.order_by("-number"), to_attr="all_versions")
    )


def version_outline(version: CodeVersion) -> list[dict]:
    """Sections with their top-level items, each carrying its sub-points,
    from the prefetched content."""
    outline = []
    for section in version.sections.all():
        top_level, children = [], {}
        for item in section.items.all():
            if item.parent_id:
                children.setdefault(item.parent_id, []).append(item)
            else:
                top_level.append(item)
        outline.append(
            {"section": section, "items": [{"item": item, "children": children.get(item.pk, [])} for item in top_level]}
        )
    return outline


def managed_partnerships_overview(user: User) -> QuerySet[Partnership]:
    """The partnerships someone manages, each with its code's current version number."""
    current = CodeVersion.objects.filter(code_id=OuterRef("code_id"), status=CodeVersion.Status.PUBLISHED)
    return (
        partnerships_managed_by(user)
        .select_related("code")
        .annotate(current_version_number=Subquery(current.values("number")[:1]))
        .order_by("name")
    )


def may_run_reviews_of(user: User, code: Code) -> bool:
    return is_administrator(user) or bool(partnership_ids_managed_for_code(user, code.pk))


def review_calendar(*, today) -> dict:
    """Open reviews (due or overdue), upcoming ones and codes with no review date, across all codes."""
    overdue_before = today - datetime.timedelta(days=settings.REVIEW_OVERDUE_AFTER_DAYS)
    open_reviews = list(
        CodeReview.objects.filter(status=CodeReview.Status.OPEN).select_related("code", "version").order_by("due_on")
    )
    for review in open_reviews:
        review.is_overdue = review.due_on < overdue_before
    upcoming, undated = [], []
    open_codes = {review.code_id for review in open_reviews}
    for version in published_versions().order_by("code__title"):
        if version.last_full_review_on is None:
            undated.append(version)
            continue
        milestones = review_schedule.review_milestones(
            last_full_review_on=version.last_full_review_on,
            light_touch_months=version.light_touch_review_months,
            full_months=version.full_review_months,
        )
        milestone = review_schedule.next_upcoming(milestones, today)
        if milestone:
            upcoming.append(
                {
                    "version": version,
                    "kind": milestone.kind,
                    "due_on": milestone.due_on,
                    "has_open_review": version.code_id in open_codes,
                }
            )
    upcoming.sort(key=lambda row: row["due_on"])
    done = list(
        CodeReview.objects.filter(
            status=CodeReview.Status.COMPLETED, completed_at__date__gte=today - datetime.timedelta(days=365)
        )
        .select_related("code", "version")
        .order_by("completed_at")
    )
    return {
        "overdue": [r for r in open_reviews if r.is_overdue],
        "due": [r for r in open_reviews if not r.is_overdue],
        "upcoming": upcoming,
        "undated": undated,
        "done": done,
    }


def partners_of_partnership(partnership: Partnership) -> QuerySet[Partner]:
    """Active partners whose organisations are current members of the partnership."""
    return Partner.objects.filter(
        organisation_id__in=current_memberships().filter(partnership=partnership).values("organisation_id"),
        user__is_active=True,
    )


# Partnership administration: who may manage what, and what the pages list.


def may_administer(user: User, partnership: Partnership) -> bool:
    """Administrators manage every partnership; a partnership's own administrator manages it."""
    return is_administrator(user) or (partnership.pk, Role.ADMINISTRATOR) in roles_held(user)


def may_manage_people(user: User, partnership: Partnership) -> bool:
    """A programme manager manages the people of their own partnership."""
    return may_administer(user, partnership) or (partnership.pk, Role.PROGRAMME_MANAGER) in roles_held(user)


def partnerships_for_administration(user: User) -> QuerySet[Partnership]:
    return partnerships_where(user, Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER).select_related("code")


def role_labels(partnership: Partnership) -> dict[str, str]:
    """What the partnership calls each role: its own name where it gave one, the standard name otherwise."""
    labels = dict(Role.choices)
    labels.update(RoleLabel.objects.filter(partnership=partnership).values_list("role", "label"))
    return labels


def role_in_text(partnership_id: int, role: str) -> str:
    """A role's name as a sentence about one partnership uses it: its own name as its code writes it
    ("the Partnership Manager"), or the standard name in lower case ("the programme manager")."""
    label = RoleLabel.objects.filter(partnership_id=partnership_id, role=role).values_list("label", flat=True).first()
    return label or Role(role).label.lower()


def partnership_memberships(partnership: Partnership) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by("ended_on", "organisation__name", "-started_on")
    )


def partnership_people(partnership: Partnership, *, query: str = "") -> QuerySet[Partner]:
    """Partners of the partnership's current member organisations, with the roles they hold in it."""
    partners = (
        Partner.objects.filter(
            organisation_id__in=current_memberships().filter(partnership=partnership).values("organisation_id")
        )
        .select_related("user", "organisation")
        .prefetch_related(
            Prefetch(
                "user__partnership_roles",
                queryset=PartnershipRole.objects.filter(partnership=partnership).order_by("role"),
                to_attr="roles_here",
            )
        )
        # By the account's id, not the partner's (one each), so that users_by_name gives the order.
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    if query:
        partners = partners.filter(
            Q(user__first_name__icontains=query) | Q(user__last_name__icontains=query) | Q(user__email__icontains=query)
        )
    return partners


def partnership_role_holders(partnership: Partnership) -> QuerySet[PartnershipRole]:
    return (
        PartnershipRole.objects.filter(partnership=partnership)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )


def partner_in_partnership(partnership: Partnership, partner_id: int) -> Partner:
    """One partner of the partnership's member organisations, or a 404 for anyone else."""
    partner = partnership_people(partnership).filter(pk=partner_id).first()
    if partner is None:
        raise Http404("No such person in this partnership.")
    return partner


def current_member_organisations(partnership: Partnership) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=current_memberships().filter(partnership=partnership).values("organisation_id")
    ).order_by("name")


# --- Retention: what has passed its period ------------------------------------------------


def signatures_of_versions_ended_before(*, day: datetime.date) -> QuerySet:
    """Signatures of versions superseded or withdrawn before the day."""
    return Signature.objects.filter(
        version__status__in=[CodeVersion.Status.SUPERSEDED, CodeVersion.Status.WITHDRAWN],
        version__ended_at__date__lt=day,
    )


def accounts_left_before(*, day: datetime.date) -> QuerySet:
    """Partners' accounts whose organisation left its last partnership before the day
    (ending a membership is how a person leaves: see `membership_end`)."""
    still_a_member = Membership.objects.filter(organisation=OuterRef("partner__organisation"), ended_on__isnull=True)
    return (
        User.objects.filter(partner__isnull=False, is_staff=False)
        .exclude(Exists(still_a_member))
        .annotate(left_on=Max("partner__organisation__memberships__ended_on"))
        .filter(left_on__lt=day)
    )


def partners_missing_from(partnership: Partnership, emails: set[str]) -> list[Partner]:
    """The partnership's people with open accounts whom a full list leaves out. Read in chunks and
    only those missing kept, so that a partnership of 20,000 is not all held in memory at once."""
    return [
        partner
        for partner in Partner.objects.filter(
            organisation_id__in=current_memberships().filter(partnership=partnership).values("organisation_id"),
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name")
        .iterator(chunk_size=2000)
        if partner.user.email.lower() not in emails
    ]


# --- Subject access: what is held about one person ---------------------------------------------


def account_held(user_id: int) -> User:
    """The account with the partner record and organisation it belongs to, if any."""
    return User.objects.select_related("partner__organisation").get(pk=user_id)


def roles_of(user: User) -> QuerySet[PartnershipRole]:
    return PartnershipRole.objects.filter(user=user).select_related("partnership").order_by("partnership__name", "role")


def suspensions_of(user: User) -> QuerySet[Suspension]:
    """Suspensions that covered the person: of their organisation as a whole, or naming them."""
    partner = getattr(user, "partner", None)
    if partner is None:
        return Suspension.objects.none()
    named = Q(person_name="") | Q(person_name__iexact=user.display_name)
    return Suspension.objects.filter(named, organisation_id=partner.organisation_id).select_related("partnership")


def emails_to(address: str) -> QuerySet[EmailDelivery]:
    return EmailDelivery.objects.filter(to__iexact=address).order_by("created_at", "pk")


def audit_entries_by(user: User) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(actor=user).order_by("sequence")


def audit_entries_about(user: User) -> QuerySet[AuditEntry]:
    """Entries whose subject is the person's account, partner record or roles."""
    about = Q(subject_type="conduct.user", subject_id=str(user.pk))
    partner = getattr(user, "partner", None)
    if partner is not None:
        about |= Q(subject_type="conduct.partner", subject_id=str(partner.pk))
    role_ids = [str(pk) for pk in PartnershipRole.objects.filter(user=user).values_list("pk", flat=True)]
    about |= Q(subject_type="conduct.partnershiprole", subject_id__in=role_ids)
    return AuditEntry.objects.filter(about).order_by("sequence")


def audit_entries_of(record) -> QuerySet[AuditEntry]:
    """The audit log's entries about one record, oldest first, with who made each."""
    return (
        AuditEntry.objects.filter(subject_type=record._meta.label_lower, subject_id=str(record.pk))
        .select_related("actor")
        .order_by("sequence")
    )


def account_with_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()
