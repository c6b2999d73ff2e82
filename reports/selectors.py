"""The figures of a partnership's insight page and annual report, each read in a fixed
number of aggregate queries, however many people and records the partnership has."""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from breaches.models import BreachCase, BreachPolicy, PublishedCase
from conduct.models import CodeReview, CodeVersion, Membership, Partner, Partnership, Signature
from conduct.selectors import partnerships_managed_by, signature_tallies, signature_totals
from declarations.models import AnnualConfirmation, Declaration, Kind
from govuk.date_arithmetic import add_months


def reportable_partnerships(user) -> QuerySet[Partnership]:
    """Programme managers see their partnerships' figures; administrators every partnership's."""
    return partnerships_managed_by(user).order_by("name")


def months_ending(today: datetime.date, count: int = 12) -> list[datetime.date]:
    """The first days of the `count` months up to and including today's."""
    this_month = today.replace(day=1)
    return [add_months(this_month, -back) for back in range(count - 1, -1, -1)]


def _on_days(field: str, start: datetime.date, end: datetime.date) -> Q:
    """The moment in `field` falls on a local day from `start` to `end` (inclusive). Compared
    with the moments that bound those days rather than cast row by row to a date, so that the
    database can use an index and does not convert every row."""
    return Q(**{f"{field}__gte": _midnight(start), f"{field}__lt": _midnight(end + datetime.timedelta(days=1))})


def _span(months: list[datetime.date]) -> tuple[datetime.date, datetime.date]:
    """The first and last days of these months: a record dated after them (a clock put right,
    imported data) has no month to go in, so it falls outside the charts."""
    return months[0], add_months(months[-1], 1) - datetime.timedelta(days=1)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _month(field: str):
    return TruncMonth(field, tzinfo=timezone.get_current_timezone())


@dataclass
class MonthOfDeclarations:
    month: datetime.date
    declared: int
    late: int

    @property
    def late_percent(self) -> int:
        return round(100 * self.late / self.declared) if self.declared else 0


def declarations_by_month(partnership: Partnership, months: list[datetime.date]) -> list[MonthOfDeclarations]:
    """Declarations first submitted in each month, and how many of them were late."""
    rows = (
        Declaration.objects.filter(_on_days("first_submitted_at", *_span(months)), partnership=partnership)
        .annotate(month=_month("first_submitted_at"))
        .values("month")
        .annotate(declared=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
    )
    found = {_as_date(row["month"]): row for row in rows}
    return [
        MonthOfDeclarations(month, found.get(month, {}).get("declared", 0), found.get(month, {}).get("late", 0))
        for month in months
    ]


def _as_date(value) -> datetime.date:
    # A month truncated with the current time zone (`_month`) comes back already in it: no
    # conversion (which cost more than the rest of reading a row) is needed to find its date.
    return value.date() if isinstance(value, datetime.datetime) else value


@dataclass
class Confirmations:
    year: int | None
    asked: int
    confirmed: int

    @property
    def outstanding(self) -> int:
        return self.asked - self.confirmed


def annual_confirmations(partnership: Partnership) -> Confirmations:
    """The latest year's annual confirmations: how many partners were asked, how many have answered."""
    latest_year = AnnualConfirmation.objects.filter(partnership=partnership).order_by("-year").values("year")[:1]
    counts = AnnualConfirmation.objects.filter(partnership=partnership, year=Subquery(latest_year)).aggregate(
        year=Max("year"), asked=Count("pk"), confirmed=Count("pk", filter=Q(confirmed_at__isnull=False))
    )
    return Confirmations(counts["year"], counts["asked"], counts["confirmed"])


@dataclass
class MonthOfCases:
    month: datetime.date
    by_track: dict[str, int]  # reported that month, by the track it went to ("" not yet triaged)
    by_outcome: dict[str, int]  # decided that month, by outcome

    @property
    def reported(self) -> int:
        return sum(self.by_track.values())


def cases_by_month(partnership: Partnership, months: list[datetime.date]) -> list[MonthOfCases]:
    cases = BreachCase.objects.filter(partnership=partnership)
    reported = (
        cases.filter(_on_days("reported_at", *_span(months)))
        .annotate(month=_month("reported_at"))
        .values_list("month", "track")
        .annotate(n=Count("pk"))
    )
    decided = (
        cases.filter(_on_days("decided_at", *_span(months)))
        .annotate(month=_month("decided_at"))
        .values_list("month", "outcome")
        .annotate(n=Count("pk"))
    )
    result = {month: MonthOfCases(month, {}, {}) for month in months}
    for month, track, count in reported:
        result[_as_date(month)].by_track[track] = count
    for month, outcome, count in decided:
        result[_as_date(month)].by_outcome[outcome] = count
    return list(result.values())


@dataclass
class Timeliness:
    """One of the times a case is held to: how many cases it fell due in and how many met it,
    and the median number of days taken."""

    name: str
    target: str
    due: int
    met: int
    median_days: float | None

    @property
    def met_percent(self) -> int:
        return round(100 * self.met / self.due) if self.due else 0


def case_timeliness(partnership: Partnership, *, start: datetime.date, end: datetime.date) -> list[Timeliness]:
    """For cases reported from `start` to `end` (inclusive): acknowledgement, feedback and
    decision against their due dates. A case still waiting counts as missed once its date has passed.
    One pass over the cases, counted by the days each measure took, so that the rows read stay
    few however many cases there are."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    policy = _breach_policy(partnership)
    measures = {
        "acknowledge": ("Acknowledged", f"within {policy.acknowledgement_days} days", "acknowledged_at"),
        "feedback": ("Feedback given", f"within {policy.feedback_months} months", "feedback_given_at"),
        "decision": (
            "Decided",
            f"within {policy.decision_target_working_days} working days of triage",
            "decided_at",
        ),
    }
    done_on = {f"{key}_done_on": TruncDate(done_at, tzinfo=zone) for key, (_, _, done_at) in measures.items()}
    columns = {}
    for key in measures:
        done, due_on = f"{key}_done_on", f"{key}_due_on"
        # Due once its date has passed, or once done (early or not); never without a date.
        due = Q(**{f"{due_on}__isnull": False}) & (Q(**{f"{done}__isnull": False}) | Q(**{f"{due_on}__lt": today}))
        columns[f"{key}_due"] = Case(When(due, then=Value(True)), default=Value(False))
        columns[f"{key}_days"] = ExpressionWrapper(
            F(done) - TruncDate("reported_at", tzinfo=zone), output_field=DurationField()
        )
        columns[f"{key}_met"] = Case(When(**{f"{done}__lte": F(due_on)}, then=Value(True)), default=Value(False))
    rows = (
        BreachCase.objects.filter(_on_days("reported_at", start, end), partnership=partnership)
        .annotate(**done_on)
        .annotate(**columns)
        .values_list(*columns)
        .annotate(n=Count("pk"))
        .order_by()
    )
    tallies = {key: {"due": 0, "met": 0, "taken": []} for key in measures}
    for *values, count in rows:
        for index, key in enumerate(measures):
            is_due, days, met = values[3 * index : 3 * index + 3]
            if not is_due:
                continue
            tally = tallies[key]
            tally["due"] += count
            tally["met"] += count if met else 0
            if days is not None:
                tally["taken"].append((days.days, count))
    return [
        Timeliness(name, target, tallies[key]["due"], tallies[key]["met"], _median(tallies[key]["taken"]))
        for key, (name, target, _) in measures.items()
    ]


def _breach_policy(partnership: Partnership) -> BreachPolicy:
    """The partnership's breach policy (or the defaults), read with the partnership where the
    view selected it with it: `breaches.selectors.policy_for` always asks the database."""
    try:
        return partnership.breach_policy
    except BreachPolicy.DoesNotExist:
        return BreachPolicy(partnership=partnership)


def _median(counted: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times it occurs)."""
    total = sum(count for _, count in counted)
    if not total:
        return None
    middle = []
    seen = 0
    for value, count in sorted(counted):
        # The 0-based positions (total - 1) // 2 and total // 2 hold the median's one or two values.
        for position in {(total - 1) // 2, total // 2}:
            if seen <= position < seen + count:
                middle.append(value)
        seen += count
    return statistics.mean(middle)


# --- The annual report ------------------------------------------------------------------------------


@dataclass
class AnnualReport:
    partnership: Partnership
    year: int
    organisations: int
    partners: int
    version: CodeVersion | None
    signatures: dict
    signed_in_year: int
    declarations: int
    declarations_by_kind: list[tuple[str, int]]
    nil_declarations: int
    late: int
    withheld: int
    confirmations: Confirmations
    cases_reported: int
    cases_by_track: list[tuple[str, int]]
    cases_by_outcome: list[tuple[str, int]]
    timeliness: list[Timeliness]
    published: list[PublishedCase]
    decided_not_published: int
    reviews_done: list[CodeReview]
    reviews_due: list[CodeReview]
    today: datetime.date

    @property
    def late_percent(self) -> int:
        return round(100 * self.late / self.declarations) if self.declarations else 0


def annual_report(partnership: Partnership, year: int) -> AnnualReport:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    today = timezone.localdate()
    members = Membership.objects.filter(partnership=partnership, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )
    version = (
        CodeVersion.objects.filter(code_id=partnership.code_id, status=CodeVersion.Status.PUBLISHED)
        .select_related("code")
        .first()
    )
    tallies = signature_tallies(version, partnership_ids=[partnership.pk]) if version else []
    declarations = Declaration.objects.filter(_on_days("first_submitted_at", start, end), partnership=partnership)
    # One pass over the year's declarations: a row per kind ("" for nil declarations).
    by_kind = {
        kind: (total, late, withheld)
        for kind, total, late, withheld in declarations.values_list("revision__kind")
        .annotate(
            total=Count("pk"),
            late=Count("pk", filter=Q(is_late=True)),
            withheld=Count("pk", filter=Q(withheld_at__isnull=False)),
        )
        .order_by()
    }
    cases = BreachCase.objects.filter(partnership=partnership)
    reported = cases.filter(_on_days("reported_at", start, end))
    by_track = dict(reported.values_list("track").annotate(n=Count("pk")))
    decided = cases.filter(_on_days("decided_at", start, end))
    by_outcome = dict(decided.values_list("outcome").annotate(n=Count("pk")))
    published = list(
        # decided_in is the month the case was decided: no need to read the cases themselves.
        PublishedCase.objects.filter(
            partnership=partnership, decided_in__gte=start, decided_in__lte=end
        ).prefetch_related("cited_items")
    )
    reviews = CodeReview.objects.filter(code_id=partnership.code_id).select_related("version")
    return AnnualReport(
        partnership=partnership,
        year=year,
        organisations=members.count(),
        partners=Partner.objects.filter(
            organisation_id__in=members.values("organisation_id"), user__is_active=True
        ).count(),
        version=version,
        signatures=signature_totals(tallies),
        signed_in_year=Signature.objects.filter(
            _on_days("signed_at", start, end),
            version__code_id=partnership.code_id,
            organisation_id__in=Membership.objects.filter(partnership=partnership).values("organisation_id"),
        ).count(),
        declarations=sum(total for total, _, _ in by_kind.values()),
        declarations_by_kind=[(label, by_kind.get(value, (0,))[0]) for value, label in Kind.choices],
        nil_declarations=by_kind.get("", (0,))[0],
        late=sum(late for _, late, _ in by_kind.values()),
        withheld=sum(withheld for _, _, withheld in by_kind.values()),
        confirmations=annual_confirmations(partnership),
        cases_reported=sum(by_track.values()),
        cases_by_track=[("Not yet triaged", by_track.get("", 0))]
        + [(label, by_track.get(value, 0)) for value, label in BreachCase.Track.choices],
        cases_by_outcome=[(label, by_outcome.get(value, 0)) for value, label in BreachCase.Outcome.choices],
        timeliness=case_timeliness(partnership, start=start, end=end),
        published=published,
        decided_not_published=sum(by_outcome.values()) - len(published),
        reviews_done=list(reviews.filter(_on_days("completed_at", start, end))),
        reviews_due=list(reviews.filter(status=CodeReview.Status.OPEN)),
        today=today,
    )
