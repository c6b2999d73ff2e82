"""Reads for breach cases: who may see which case, and what the pages show."""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Trim
from django.http import Http404
from django.utils import timezone

from conduct.item_tree import items_in_tree_order
from conduct.models import CodeVersion, Item, Organisation, Partnership, Principle, Role, Section, User
from conduct.selectors import (
    Connection,
    current_memberships,
    is_administrator,
    partner_for_user,
    partnership_ids_where,
    partnerships_where,
    personal_connection,
    roles_held,
    unconnected,
)

from .deadlines import months_before
from .models import (
    Appeal,
    BreachCase,
    BreachPolicy,
    CaseEvent,
    CaseMessage,
    CaseNote,
    Evidence,
    Panel,
    PanelMember,
    PanelView,
    PublishedCase,
)
from .receipt_codes import receipt_code_normalise, receipt_code_sha256


def policy_for(partnership: Partnership) -> BreachPolicy:
    """The partnership's policy, or the defaults when it has none."""
    return BreachPolicy.objects.filter(partnership=partnership).first() or BreachPolicy(partnership=partnership)


# --- What can be reported --------------------------------------------------------------


def code_version_in_force(partnership: Partnership, on: datetime.date) -> CodeVersion | None:
    """The version of the partnership's code in force on a date: the last one
    published by then, or the first one ever published when the date comes
    before any (a code loaded without a date of its own)."""
    versions = CodeVersion.objects.filter(code_id=partnership.code_id).exclude(status=CodeVersion.Status.DRAFT)
    end_of_day = timezone.make_aware(datetime.datetime.combine(on, datetime.time.max))
    return (
        versions.filter(published_at__lte=end_of_day).order_by("-published_at", "-number").first()
        or versions.order_by("number").first()
    )


CITABLE_KINDS = [kind for kind in Item.Kind.values if kind != Item.Kind.TEXT]


def citable_sections(version: CodeVersion) -> list[tuple[Section, list[Item]]]:
    """The version's sections, each with the items a report can cite, in the code's order:
    each sub-point under its own clause."""
    items = Item.objects.filter(section__version=version, kind__in=CITABLE_KINDS).select_related("parent", "principle")
    sections: dict[int, tuple[Section, list[Item]]] = {}
    for section in Section.objects.filter(version=version).order_by("position", "pk"):
        sections[section.pk] = (section, [])
    for item, _depth in items_in_tree_order(items):
        sections[item.section_id][1].append(item)
    return [entry for entry in sections.values() if entry[1]]


def cited_items(case) -> QuerySet[Item]:
    """The items a case cites, in the code's order, each sub-point after its clause."""
    return case.cited_items.select_related("section", "parent", "principle").order_by(
        "section__position", Coalesce("parent__position", "position"), Coalesce("parent_id", "pk"), "position"
    )


def respondent_organisations(partnership: Partnership, on: datetime.date) -> QuerySet[Organisation]:
    """The organisations that were members of the partnership on the day."""
    members = current_memberships(on=on).filter(partnership=partnership).values("organisation_id")
    return Organisation.objects.filter(pk__in=members).order_by("name")


# --- Who may see a case ----------------------------------------------------------------


def holds_role(user: User, partnership_id: int, role: str) -> bool:
    return is_administrator(user) or (partnership_id, role) in roles_held(user)


# Who handles a case is decided here and nowhere else: the pages, the services and the
# emails to those handling a case all ask `handles_case`, `cases_handled_by` or `case_handlers`.


def cases_handled_by(user: User) -> QuerySet[BreachCase]:
    """Every case in the partnerships the user manages, and the formal ones in
    those whose panel they sit on (administrators: every case); never one about
    the organisation they work for or naming them (`personal_connection`)."""
    if not user.is_authenticated:
        return BreachCase.objects.none()
    not_about_them = unconnected(
        user, organisation_field="respondent_organisation_id", person_field="respondent_person_name"
    )
    if is_administrator(user):
        return BreachCase.objects.filter(not_about_them)
    # Plain partnership ids: as subqueries inside an OR they stop PostgreSQL
    # using the index, and it scans every case.
    managed = partnership_ids_where(user, Role.PROGRAMME_MANAGER)
    panels = partnership_ids_where(user, Role.PANEL_MEMBER)
    return BreachCase.objects.filter(
        Q(partnership__in=managed) | Q(partnership__in=panels, track=BreachCase.Track.FORMAL)
    ).filter(not_about_them)


def handles_case(user: User, case: BreachCase) -> bool:
    """The same rule as cases_handled_by, for a case already read."""
    holds = (
        is_administrator(user)
        or holds_role(user, case.partnership_id, Role.PROGRAMME_MANAGER)
        or (case.track == BreachCase.Track.FORMAL and holds_role(user, case.partnership_id, Role.PANEL_MEMBER))
    )
    return holds and not connection_to_case(user, case)


def connection_to_case(user: User, case: BreachCase) -> Connection:
    """Whether the user works for the organisation the case is about, or is the person it names."""
    return personal_connection(user, organisation=case.respondent_organisation, person_name=case.respondent_person_name)


def manages_any_partnership(user: User) -> bool:
    return is_administrator(user) or bool(partnership_ids_where(user, Role.PROGRAMME_MANAGER))


def handles_any_case(user: User) -> bool:
    return is_administrator(user) or bool(partnership_ids_where(user, Role.PROGRAMME_MANAGER, Role.PANEL_MEMBER))


# Who speaks for the respondent: every partner of the organisation when the case names nobody;
# when it names a person, that person if they are a partner there, or else the organisation's
# named contact. Never every partner: the person named is entitled to their privacy too.
# `respondent_users` (whom the notice goes to) and `told_to` (who then sees the case) say it.


def _full_name():
    return Trim(Concat("first_name", Value(" "), "last_name"))


def respondent_users(case: BreachCase) -> QuerySet[User]:
    partners = User.objects.filter(is_active=True, partner__organisation_id=case.respondent_organisation_id)
    if not case.respondent_person_name:
        return partners
    named = partners.annotate(full_name=_full_name()).filter(full_name__iexact=case.respondent_person_name)
    if named.exists():
        return named
    return partners.filter(partner__organisation__contact_id=F("partner__id"))


def told_to(user: User) -> Q:
    """The cases told to the user as (or for) the respondent: the rule of `respondent_users`, as a filter."""
    partner = partner_for_user(user)
    if partner is None:
        return Q(pk__in=[])
    named_partner = User.objects.annotate(full_name=_full_name()).filter(
        is_active=True,
        partner__organisation_id=OuterRef("respondent_organisation_id"),
        full_name__iexact=OuterRef("respondent_person_name"),
    )
    speaks = (
        Q(respondent_person_name="")
        | Q(respondent_person_name__iexact=user.display_name)
        | (Q(respondent_organisation__contact_id=partner.pk) & ~Exists(named_partner))
    )
    return Q(respondent_organisation_id=partner.organisation_id, respondent_notified_at__isnull=False) & speaks


def is_respondent(user: User, case: BreachCase) -> bool:
    """Someone the respondent notice went to, once it went."""
    partner = partner_for_user(user)
    if partner is None or partner.organisation_id != case.respondent_organisation_id:
        return False
    return case.respondent_notified_at is not None and BreachCase.objects.filter(told_to(user), pk=case.pk).exists()


HANDLER, REPORTER, RESPONDENT = "handler", "reporter", "respondent"


def case_for_user(user: User, pk: int) -> tuple[BreachCase, str]:
    """The case and how the user stands to it: handling it, having reported it,
    or speaking for the respondent. Anyone else gets a 404."""
    case = (
        BreachCase.objects.select_related("partnership", "respondent_organisation", "code_version__code", "reporter")
        .filter(pk=pk)
        .first()
    )
    if case is None or not user.is_authenticated:
        raise Http404("No such case")
    if handles_case(user, case):
        return case, HANDLER
    if case.reporter_id == user.pk:
        return case, REPORTER
    if is_respondent(user, case):
        return case, RESPONDENT
    raise Http404("No such case")


def case_for_receipt(case_ids: list[int], pk: int) -> BreachCase | None:
    """The case, if its receipt code was entered in this browser session."""
    if pk not in case_ids:
        return None
    return BreachCase.objects.select_related("partnership", "respondent_organisation").filter(pk=pk).first()


def case_by_receipt_code_sha256(code_sha256: str) -> BreachCase | None:
    return BreachCase.objects.filter(receipt_code_sha256=code_sha256).first()


def evidence_for_user(user: User, pk: int, receipt_case_ids: list[int]) -> Evidence:
    """Those handling the case see all its evidence; the reporter and the
    respondent see only what their own side gave."""
    evidence = Evidence.objects.select_related("case").filter(pk=pk).first()
    if evidence is None:
        raise Http404("No such file")
    case = evidence.case
    if evidence.case_id in receipt_case_ids and evidence.source == Evidence.Source.REPORTER:
        return evidence
    if not user.is_authenticated:
        raise Http404("No such file")
    if cases_handled_by(user).filter(pk=case.pk).exists():
        return evidence
    if evidence.source == Evidence.Source.REPORTER and case.reporter_id == user.pk:
        return evidence
    if evidence.source == Evidence.Source.RESPONDENT and is_respondent(user, case):
        return evidence
    raise Http404("No such file")


def may_take(user: User, case: BreachCase, action: str) -> bool:
    """Whether the case's status allows the action and the user handles the case and holds the role for it."""
    rule = BreachCase.TRANSITIONS.get((action, case.status))
    return rule is not None and holds_role(user, case.partnership_id, rule[1]) and handles_case(user, case)


def may_message_reporter(user: User, case: BreachCase) -> bool:
    if case.status in (BreachCase.Status.CLOSED, BreachCase.Status.WITHDRAWN):
        return False
    return handles_case(user, case)


# --- The respondent's history, for triage -----------------------------------------------


@dataclass
class RespondentHistory:
    window_months: int
    cases: list[BreachCase]
    upheld_recently: list[BreachCase]
    open_cases: list[BreachCase]
    lapsed_warnings: list[BreachCase] = field(default_factory=list)

    @property
    def continued(self) -> bool:
        return bool(self.upheld_recently or self.open_cases)

    @property
    def explanation(self) -> str:
        parts = []
        if self.upheld_recently:
            references = ", ".join(case.reference for case in self.upheld_recently)
            parts.append(f"a breach upheld in the last {self.window_months} months ({references})")
        if self.open_cases:
            references = ", ".join(case.reference for case in self.open_cases)
            parts.append(f"another open case ({references})")
        lapsed = ""
        if self.lapsed_warnings:
            references = ", ".join(case.reference for case in self.lapsed_warnings)
            lapsed = f" A formal warning that has lapsed ({references}) no longer counts."
        if not parts:
            return f"No breach upheld in the last {self.window_months} months and no other open case." + lapsed
        return "Continued: " + " and ".join(parts) + "." + lapsed


def respondent_history(case: BreachCase) -> RespondentHistory:
    """The respondent's other cases in the same partnership. The breach is
    continued when one was upheld within the policy's window (counted back from
    today) or is still open."""
    today = timezone.localdate()
    policy = policy_for(case.partnership)
    window = policy.repeat_window_months
    start = months_before(today, window)
    cases = list(
        BreachCase.objects.filter(
            partnership_id=case.partnership_id, respondent_organisation_id=case.respondent_organisation_id
        )
        .exclude(pk=case.pk)
        .select_related("appeal")
        .order_by("-reported_at", "-pk")
    )
    # A decision overturned or varied on appeal counts as what now stands.
    upheld = [
        other
        for other in cases
        if other.is_upheld and other.decided_at and start <= timezone.localdate(other.decided_at) <= today
    ]
    # A formal warning lapses after the policy's period, and then no longer makes a breach "continued".
    warnings_lapse_before = months_before(today, policy.warning_expiry_months)
    lapsed = [
        other
        for other in upheld
        if other.standing_outcome == BreachCase.Outcome.FORMAL_WARNING
        and timezone.localdate(other.decided_at) <= warnings_lapse_before
    ]
    upheld = [other for other in upheld if other not in lapsed]
    open_cases = [other for other in cases if other.is_open]
    return RespondentHistory(window, cases, upheld, open_cases, lapsed)


# --- Lists -------------------------------------------------------------------------------


def queue_cases(user: User) -> QuerySet[BreachCase]:
    return cases_handled_by(user).select_related("partnership", "respondent_organisation").order_by("reported_at", "pk")


CASES_CSV_HEADER = [
    "Reference",
    "Partnership",
    "Respondent organisation",
    "Status",
    "Track",
    "Severity",
    "Deliberate",
    "Continued",
    "Reported on",
    "Triage due",
    "Triaged on",
    "Decision due",
    "Outcome",
    "Decided on",
    "Closed or withdrawn",
]
_CASES_CSV_COLUMNS = (
    "reference",
    "partnership__name",
    "respondent_organisation__name",
    "status",
    "track",
    "severity",
    "deliberate",
    "continued",
    "reported_at",
    "triage_due_on",
    "triaged_at",
    "decision_due_on",
    "outcome",
    "decided_at",
)


def cases_csv_rows(cases: QuerySet[BreachCase], *, chunk_size: int = 2000):
    """The cases' rows for a download, read as plain values (model instances, their
    display methods and a time-zone lookup per date took several times longer)."""
    yes_no = {True: "yes", False: "no", None: ""}
    labels = {
        field: dict(BreachCase._meta.get_field(field).choices)
        for field in ("status", "track", "severity", "deliberate", "outcome")
    }
    ended = {BreachCase.Status.CLOSED, BreachCase.Status.WITHDRAWN}
    zone = timezone.get_current_timezone()

    def day(moment) -> str:
        return moment.astimezone(zone).date().isoformat() if moment else ""

    for (
        reference,
        partnership,
        respondent,
        status,
        track,
        severity,
        deliberate,
        continued,
        reported_at,
        triage_due_on,
        triaged_at,
        decision_due_on,
        outcome,
        decided_at,
    ) in cases.values_list(*_CASES_CSV_COLUMNS).iterator(chunk_size=chunk_size):
        yield [
            reference,
            partnership,
            respondent,
            labels["status"][status],
            labels["track"].get(track, track),
            labels["severity"].get(severity, severity),
            labels["deliberate"].get(deliberate, deliberate),
            yes_no[continued],
            day(reported_at),
            triage_due_on.isoformat(),
            day(triaged_at),
            decision_due_on.isoformat() if decision_due_on else "",
            labels["outcome"].get(outcome, outcome),
            day(decided_at),
            "yes" if status in ended else "no",
        ]


def queue_partnerships(user: User) -> list[tuple[int, str]]:
    """(id, name) of the partnerships whose cases the user handles, by name."""
    partnerships = partnerships_where(user, Role.PROGRAMME_MANAGER, Role.PANEL_MEMBER)
    return list(partnerships.order_by("name").values_list("pk", "name"))


def reported_by(user: User) -> QuerySet[BreachCase]:
    return BreachCase.objects.filter(reporter=user).select_related("partnership", "respondent_organisation")


def concerning_organisation_of(user: User) -> QuerySet[BreachCase]:
    return BreachCase.objects.filter(told_to(user)).select_related("partnership")


def reporter_known_to(user: User, case: BreachCase) -> bool:
    """Whether the page may name a confidential reporter to this person handling the case: only
    once they have revealed the identity, for a recorded reason (or they reported it themselves)."""
    return case.reporter_id == user.pk or case.events.filter(action=BreachCase.Action.REVEAL, actor=user).exists()


def case_notes(case: BreachCase) -> QuerySet[CaseNote]:
    return case.notes.select_related("author")


def case_messages(case: BreachCase, *, kinds) -> QuerySet[CaseMessage]:
    return case.messages.filter(kind__in=kinds).select_related("author")


def case_evidence(case: BreachCase, *, sources) -> QuerySet[Evidence]:
    return case.evidence.filter(source__in=sources).select_related("uploaded_by")


def evidence_held_ids(limit: int = 500) -> list[int]:
    """Files waiting for the virus scanner, oldest first."""
    return list(
        Evidence.objects.filter(scan=Evidence.Scan.HELD)
        .order_by("uploaded_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def lessons_cases(user: User) -> QuerySet[BreachCase]:
    """Decided cases in the partnerships the user manages, newest decision first; none about
    their own organisation or naming them, which they never handled."""
    return (
        BreachCase.objects.filter(
            partnership__in=partnerships_where(user, Role.PROGRAMME_MANAGER),
            status__in=[BreachCase.Status.DECIDED, BreachCase.Status.CLOSED],
        )
        .filter(
            unconnected(user, organisation_field="respondent_organisation_id", person_field="respondent_person_name")
        )
        .select_related("partnership", "respondent_organisation")
        .order_by("-decided_at", "-pk")
    )


def lessons_outcome_counts(cases: QuerySet[BreachCase]) -> list[tuple[str, int]]:
    counts = dict(cases.order_by().values_list("outcome").annotate(n=Count("pk")))
    return [(label, counts.get(value, 0)) for value, label in BreachCase.Outcome.choices]


def lessons_principle_counts(cases: QuerySet[BreachCase]) -> list[tuple[str, int]]:
    """How many of the cases cite each principle of public life."""
    citations = BreachCase.cited_principles.through.objects.filter(breachcase__in=cases.order_by())
    counts = dict(citations.values_list("principle_id").annotate(n=Count("breachcase_id")))
    return [(principle.name, counts.get(principle.pk, 0)) for principle in Principle.objects.order_by("position")]


# --- Who an email goes to ----------------------------------------------------------------


def role_holders(partnership_id: int, role: str) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, partnership_roles__partnership_id=partnership_id, partnership_roles__role=role
    ).distinct()


def case_handlers(case: BreachCase, role: str) -> list[User]:
    """The holders of the role who may handle the case (`handles_case`): what the emails
    to those handling a case go to."""
    holders = role_holders(case.partnership_id, role).select_related("partner__organisation")
    return [user for user in holders if not connection_to_case(user, case)]


def programme_managers(case: BreachCase) -> list[User]:
    """The partnership's programme managers who may handle the case; administrators
    (likewise) when it has none, so that a report never goes unseen."""
    managers = case_handlers(case, Role.PROGRAMME_MANAGER)
    if managers:
        return managers
    return [
        user
        for user in User.objects.filter(is_active=True, is_staff=True).select_related("partner__organisation")
        if not connection_to_case(user, case)
    ]


def reporter_email(case: BreachCase) -> str:
    if case.reporter_id:
        return case.reporter.email
    return case.reporter_email


# --- Panels --------------------------------------------------------------------------------


def decision_panel(case: BreachCase) -> Panel | None:
    """The panel that decides the case (not the one that hears an appeal against it)."""
    return Panel.objects.filter(case=case, appeal__isnull=True).first()


def appeal_panel(appeal: "Appeal | None") -> Panel | None:
    if appeal is None:
        return None
    return Panel.objects.filter(appeal=appeal).first()


def appeal_of(case: BreachCase) -> "Appeal | None":
    return Appeal.objects.filter(case=case).select_related("lodged_by", "decided_by").first()


def appeal_last_day(case: BreachCase) -> datetime.date:
    """The last day the respondent may appeal: the policy's window counted from the decision."""
    return timezone.localdate(case.decided_at) + datetime.timedelta(
        days=policy_for(case.partnership).appeal_window_days
    )


def appeal_panel_candidates(case: BreachCase) -> QuerySet[User]:
    """The partnership's panel members who took no part in the decision appealed against."""
    return panel_candidates(case).exclude(pk__in=original_deciders(case))


def original_deciders(case: BreachCase) -> set[int]:
    """Who took the decision an appeal is against: its panel's members and whoever recorded it."""
    deciders = set(
        PanelMember.objects.filter(panel__case=case, panel__appeal__isnull=True).values_list("member_id", flat=True)
    )
    if case.decided_by_id:
        deciders.add(case.decided_by_id)
    return deciders


def panel_candidates(case: BreachCase) -> QuerySet[User]:
    """The partnership's panel members, for the programme manager to choose from."""
    return role_holders(case.partnership_id, Role.PANEL_MEMBER).order_by("last_name", "first_name", "pk")


def involvement(user: User, case: BreachCase) -> str:
    """How the user is involved in the case ("they …"), or "" if they are not.
    Whoever reported it, speaks for the respondent's organisation or has already
    handled it cannot judge it fairly. The reporter and the person the case names are
    refused in the same words, so that convening a panel never tells who reported."""
    if case.reporter_id == user.pk:
        return "are a party to the case"
    connection = connection_to_case(user, case)
    if connection.organisation:
        return f"are a partner at {connection.organisation}, which the case concerns"
    if connection:
        return "are a party to the case"
    handled = (
        case.events.filter(actor=user).exclude(action=BreachCase.Action.REPORT).exists()
        or case.messages.filter(author=user, kind__in=CaseMessage.TO_REPORTER).exists()
    )
    if handled:
        return "have already handled the case"
    return ""


@dataclass(frozen=True)
class PanelVerdict:
    """Where a panel stands: the views given, and the outcome they decide, if any."""

    panel: Panel
    views: list[PanelView]
    outcome: str  # "" while the panel has no quorum or no majority
    waiting: list[User]  # members yet to give a view

    @property
    def quorum(self) -> bool:
        return len(self.views) >= self.panel.size

    @property
    def dissent(self) -> list[PanelView]:
        return [view for view in self.views if self.outcome and view.outcome != self.outcome]

    @property
    def explanation(self) -> str:
        given = f"{len(self.views)} of {self.panel.size} members have given their view"
        if not self.quorum:
            return f"The panel has no quorum yet: {given}. Every member's view is needed."
        if not self.outcome:
            rule = "every member to agree" if self.panel.unanimous else "a majority"
            return f"The panel has not decided: the policy needs {rule}, and the views differ."
        label = BreachCase.Outcome(self.outcome).label.lower()
        tally = f"{len(self.views) - len(self.dissent)} of {self.panel.size} for {label}"
        if not self.dissent:
            return f"The panel decided: {tally}."
        dissent = "; ".join(
            f"{view.member.display_name} ({BreachCase.Outcome(view.outcome).label.lower()})" for view in self.dissent
        )
        return f"The panel decided: {tally}; dissent: {dissent}."


def panel_verdict(panel: Panel) -> PanelVerdict:
    """The majority's outcome (more than half the panel's size), or the unanimous
    one where the policy asks for that; nothing without every member's view."""
    views = list(panel.views.select_related("member").order_by("at", "pk"))
    given = {view.member_id for view in views}
    waiting = [seat.member for seat in panel.seats.select_related("member") if seat.member_id not in given]
    outcome = ""
    if len(views) >= panel.size:
        counts = Counter(view.outcome for view in views)
        leading, votes = counts.most_common(1)[0]
        needed = panel.size if panel.unanimous else panel.size // 2 + 1
        if votes >= needed:
            outcome = leading
    return PanelVerdict(panel=panel, views=views, outcome=outcome, waiting=waiting)


def sits_on(user: User, panel: Panel | None) -> bool:
    return panel is not None and panel.seats.filter(member=user).exists()


def cases_closed_before(*, day: datetime.date) -> QuerySet:
    """Cases closed or withdrawn before the day (the retention schedule counts from then)."""
    return BreachCase.objects.filter(
        status__in=[BreachCase.Status.CLOSED, BreachCase.Status.WITHDRAWN],
        events__to_status__in=[BreachCase.Status.CLOSED, BreachCase.Status.WITHDRAWN],
        events__at__date__lt=day,
    ).distinct()


def earlier_decisions_citing_the_same_items(case: BreachCase, *, limit: int = 20) -> list[BreachCase]:
    """Decided cases of the partnership that cite any item this case cites, newest decision
    first, so that a panel can judge consistently (the NHS managers' code: consistent judgement)."""
    return list(
        BreachCase.objects.filter(
            partnership_id=case.partnership_id,
            status__in=[BreachCase.Status.DECIDED, BreachCase.Status.CLOSED],
            cited_items__in=case.cited_items.values("pk"),
        )
        .exclude(pk=case.pk)
        .select_related("respondent_organisation")
        .distinct()
        .order_by("-decided_at", "-pk")[:limit]
    )


# --- Subject access ------------------------------------------------------------------------------


def cases_reported_by(user: User) -> QuerySet[BreachCase]:
    """The person's own reports, with the messages exchanged with them about each."""
    return (
        reported_by(user)
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=CaseMessage.objects.filter(
                    kind__in=[*CaseMessage.TO_REPORTER, CaseMessage.Kind.REPORTER_INFORMATION]
                ).order_by("at", "pk"),
            )
        )
        .order_by("reported_at", "pk")
    )


def cases_concerning_person(user: User) -> QuerySet[BreachCase]:
    """Cases the person has been told concern them: about their organisation, naming them or
    nobody in particular. (A case naming someone else in their organisation is not about them.)"""
    named = Q(respondent_person_name="") | Q(respondent_person_name__iexact=user.display_name)
    return (
        concerning_organisation_of(user)
        .filter(named)
        .select_related("respondent_organisation")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=CaseMessage.objects.filter(kind=CaseMessage.Kind.RESPONSE, author=user).order_by("at", "pk"),
            )
        )
        .order_by("reported_at", "pk")
    )


def case_events_by(user: User) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(actor=user).select_related("case").order_by("at", "pk")


def case_notes_by(user: User) -> QuerySet[CaseNote]:
    return CaseNote.objects.filter(author=user).select_related("case").order_by("at", "pk")


def case_messages_to_reporters_by(user: User) -> QuerySet[CaseMessage]:
    return (
        CaseMessage.objects.filter(author=user, kind__in=CaseMessage.TO_REPORTER)
        .select_related("case")
        .order_by("at", "pk")
    )


def panel_views_by(user: User) -> QuerySet[PanelView]:
    return PanelView.objects.filter(member=user).select_related("panel__case").order_by("at", "pk")


def evidence_uploaded_by(user: User) -> QuerySet[Evidence]:
    return Evidence.objects.filter(uploaded_by=user).select_related("case").order_by("uploaded_at", "pk")


def report_already_sent(submission: str) -> bool:
    """Whether the report form carrying this one-off value has already made its case."""
    return bool(receipt_code_normalise(submission)) and (
        BreachCase.objects.filter(submission_sha256=receipt_code_sha256(submission)).exists()
    )


# --- The anonymised register ------------------------------------------------------------------


def names_in(text: str, *, case: BreachCase) -> list[str]:
    """The names of people and organisations of the case's partnership that the text holds,
    as whole words in any case: what an anonymised account must not say."""
    people = [case.respondent_person_name]
    if case.reporter_id:
        people.append(case.reporter.get_full_name())
    organisations = Organisation.objects.filter(memberships__partnership_id=case.partnership_id).values_list(
        "name", flat=True
    )
    names = [name for name in [*people, case.respondent_organisation.name, *organisations] if name.strip()]
    words = _words(text)
    return [name for name in dict.fromkeys(names) if _words(name) in words]


WORD = re.compile(r"\w+")


def _words(text: str) -> str:
    """The text as its words in lower case between single spaces, padded, so that one name's
    words can be found among another text's as a whole."""
    return " " + " ".join(WORD.findall(text.casefold())) + " "


def published_cases(partnership: Partnership) -> QuerySet[PublishedCase]:
    return PublishedCase.objects.filter(partnership=partnership).prefetch_related(
        Prefetch(
            "cited_items",
            queryset=Item.objects.select_related("section").order_by("section__position", "position"),
        ),
        "cited_principles",
    )


def partnerships_with_published_cases() -> QuerySet[Partnership]:
    return Partnership.objects.filter(published_cases__isnull=False).distinct().order_by("name")
