import datetime

import django_filters
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from govuk.widgets import GovukSelect

from .deadlines import ACKNOWLEDGEMENT_WARNING_DAYS, FEEDBACK_WARNING_DAYS
from .models import BreachCase


class CaseQueueFilter(django_filters.FilterSet):
    """Filters for the queue of cases someone handles."""

    status = django_filters.ChoiceFilter(
        widget=GovukSelect,
        label="Status",
        choices=BreachCase.Status.choices,
        empty_label="Open cases",
        method="filter_status",
    )
    track = django_filters.ChoiceFilter(
        widget=GovukSelect,
        label="Track",
        choices=BreachCase.Track.choices,
        empty_label="Both tracks",
    )
    # Plain choices rather than a ModelChoiceFilter, whose queryset would be read
    # through a server-side cursor: three round trips for a short list.
    partnership = django_filters.ChoiceFilter(
        widget=GovukSelect,
        field_name="partnership_id",
        label="Partnership",
        choices=[],
        empty_label="All partnerships",
    )
    age = django_filters.ChoiceFilter(
        widget=GovukSelect,
        label="Reported",
        choices=[("week", "This week or less"), ("month", "1 to 4 weeks ago"), ("older", "Over 4 weeks ago")],
        empty_label="At any time",
        method="filter_age",
    )
    overdue = django_filters.ChoiceFilter(
        widget=GovukSelect,
        label="Overdue",
        choices=[("triage", "Triage overdue"), ("any", "Triage overdue, or acknowledgement or feedback due soon")],
        empty_label="Any",
        method="filter_overdue",
    )

    def __init__(self, data=None, *args, partnerships: list[tuple[int, str]], every_status=False, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["partnership"].extra["choices"] = partnerships
        self.every_status = every_status

    def filter_queryset(self, queryset):
        # With no status chosen the queue shows the open cases (its counts by status, every case).
        if not self.form.cleaned_data.get("status") and not self.every_status:
            queryset = queryset.filter(status__in=BreachCase.OPEN)
        return super().filter_queryset(queryset)

    @staticmethod
    def with_age(queryset):
        """Each case's age band (the `age` filter's choices) as the column `age`."""
        week, month = _age_limits()
        return queryset.annotate(
            age=Case(
                When(reported_at__gte=week, then=Value("week")),
                When(reported_at__gte=month, then=Value("month")),
                default=Value("older"),
            )
        )

    def filter_age(self, queryset, name, value):
        week, month = _age_limits()
        bands = {
            "week": Q(reported_at__gte=week),
            "month": Q(reported_at__lt=week, reported_at__gte=month),
            "older": Q(reported_at__lt=month),
        }
        return queryset.filter(bands[value])

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        """The same rules as BreachCase.deadlines_on (triage overdue, acknowledgement
        or feedback due soon), in SQL."""
        today = timezone.localdate()
        triage = Q(status=BreachCase.Status.REPORTED, triage_due_on__lt=today)
        if value == "triage":
            return queryset.filter(triage)
        acknowledgement = Q(
            acknowledged_at__isnull=True,
            acknowledge_due_on__lte=today + datetime.timedelta(days=ACKNOWLEDGEMENT_WARNING_DAYS),
        )
        feedback = Q(
            feedback_given_at__isnull=True,
            feedback_due_on__lte=today + datetime.timedelta(days=FEEDBACK_WARNING_DAYS),
        )
        still_running = ~Q(status__in=[BreachCase.Status.CLOSED, BreachCase.Status.WITHDRAWN])
        return queryset.filter(triage | ((acknowledgement | feedback) & still_running))


def _age_limits() -> tuple[datetime.datetime, datetime.datetime]:
    now = timezone.now()
    return now - datetime.timedelta(days=7), now - datetime.timedelta(days=28)
