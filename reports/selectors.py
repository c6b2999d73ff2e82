"""The figures of a partnership's insight page and annual report, each read in a fixed
number of aggregate queries, however many people and records the partnership has."""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from breaches.models import BreachCase, PublishedCase
from breaches.selectors import policy_for as breach_policy_for
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
        Declaration.objects.filter(partnership=partnership, first_submitted_at__date__gte=months[0])
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
    return timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value


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
    year = (
        AnnualConfirmation.objects.filter(partnership=partnership).order_by("-year").values_list("year", flat=True)
    ).first()
    counts = AnnualConfirmation.objects.filter(partnership=partnership, year=year).aggregate(
        asked=Count("pk"), confirmed=Count("pk", filter=Q(confirmed_at__isnull=False))
    )
    return Confirmations(year, counts["asked"], counts["confirmed"])


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
        cases.filter(reported_at__date__gte=months[0])
        .annotate(month=_month("reported_at"))
        .values_list("month", "track")
        .annotate(n=Count("pk"))
    )
    decided = (
        cases.filter(decided_at__date__gte=months[0])
        .annotate(month=_month("decided_at"))
        .values_list("month", "outcome")
        .annotate(n=Count("pk"))
    )
    result = {month: MonthOfCases(month, {}, {}) for month in months}
    # A date after this month (a clock put right, imported data) falls outside the chart.
    for month, track, count in reported:
        if _as_date(month) in result:
            result[_as_date(month)].by_track[track] = count
    for month, outcome, count in decided:
        if _as_date(month) in result:
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
    decision against their due dates. A case still waiting counts as missed once its date has passed."""
    today = timezone.localdate()
    policy = breach_policy_for(partnership)
    rows = BreachCase.objects.filter(
        partnership=partnership, reported_at__date__gte=start, reported_at__date__lte=end
    ).values_list(
        "reported_at",
        "acknowledged_at",
        "acknowledge_due_on",
        "feedback_given_at",
        "feedback_due_on",
        "decided_at",
        "decision_due_on",
    )
    measures = {
        "acknowledge": ("Acknowledged", f"within {policy.acknowledgement_days} days", [], [0, 0]),
        "feedback": ("Feedback given", f"within {policy.feedback_months} months", [], [0, 0]),
        "decide": ("Decided", f"within {policy.decision_target_working_days} working days of triage", [], [0, 0]),
    }
    for reported_at, *pairs in rows:
        for key, (done_at, due_on) in zip(measures, zip(pairs[::2], pairs[1::2], strict=True), strict=True):
            _, _, days, tally = measures[key]
            if due_on is None or (done_at is None and due_on >= today):
                continue  # not yet due
            tally[0] += 1
            if done_at is not None:
                done_on = timezone.localdate(done_at)
                days.append((done_on - timezone.localdate(reported_at)).days)
                tally[1] += done_on <= due_on
    return [
        Timeliness(name, target, due, met, statistics.median(days) if days else None)
        for name, target, days, (due, met) in measures.values()
    ]


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
    declarations = Declaration.objects.filter(
        partnership=partnership, first_submitted_at__date__gte=start, first_submitted_at__date__lte=end
    )
    declared = declarations.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=Q(is_late=True)),
        withheld=Count("pk", filter=Q(withheld_at__isnull=False)),
        nil=Count("pk", filter=Q(revision__kind="")),
    )
    by_kind = dict(declarations.exclude(revision__kind="").values_list("revision__kind").annotate(n=Count("pk")))
    cases = BreachCase.objects.filter(partnership=partnership)
    reported = cases.filter(reported_at__date__gte=start, reported_at__date__lte=end)
    by_track = dict(reported.values_list("track").annotate(n=Count("pk")))
    decided = cases.filter(decided_at__date__gte=start, decided_at__date__lte=end)
    by_outcome = dict(decided.values_list("outcome").annotate(n=Count("pk")))
    published = list(
        PublishedCase.objects.filter(partnership=partnership, case__in=decided).prefetch_related("cited_items")
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
            version__code_id=partnership.code_id,
            organisation_id__in=Membership.objects.filter(partnership=partnership).values("organisation_id"),
            signed_at__date__gte=start,
            signed_at__date__lte=end,
        ).count(),
        declarations=declared["total"],
        declarations_by_kind=[(label, by_kind.get(value, 0)) for value, label in Kind.choices],
        nil_declarations=declared["nil"],
        late=declared["late"],
        withheld=declared["withheld"],
        confirmations=annual_confirmations(partnership),
        cases_reported=sum(by_track.values()),
        cases_by_track=[("Not yet triaged", by_track.get("", 0))]
        + [(label, by_track.get(value, 0)) for value, label in BreachCase.Track.choices],
        cases_by_outcome=[(label, by_outcome.get(value, 0)) for value, label in BreachCase.Outcome.choices],
        timeliness=case_timeliness(partnership, start=start, end=end),
        published=published,
        decided_not_published=sum(by_outcome.values()) - len(published),
        reviews_done=list(reviews.filter(completed_at__date__gte=start, completed_at__date__lte=end)),
        reviews_due=list(reviews.filter(status=CodeReview.Status.OPEN)),
        today=today,
    )
