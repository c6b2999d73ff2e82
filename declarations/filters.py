import django_filters
from django import forms

from govuk.widgets import GovukSelect

from .models import Declaration, Kind, Situation


class RegisterFilter(django_filters.FilterSet):
    """The filters of the reviewers' register of declarations."""

    # Plain choices rather than a ModelChoiceFilter, whose queryset would be read
    # through a server-side cursor: three round trips for a short list.
    partnership = django_filters.ChoiceFilter(
        widget=GovukSelect,
        field_name="partnership_id",
        choices=[],
        empty_label="All partnerships",
        label="Partnership",
    )
    # Searched by name: a partnership has thousands of organisations, too many
    # for a drop-down to be usable, or quick to render.
    organisation = django_filters.CharFilter(
        field_name="organisation__name",
        lookup_expr="icontains",
        label="Declared by organisation (name contains)",
        max_length=200,
    )
    concerning = django_filters.CharFilter(
        field_name="revision__counterparty_organisation__name",
        lookup_expr="icontains",
        label="Concerning member organisation (name contains)",
        max_length=200,
    )
    kind = django_filters.ChoiceFilter(
        widget=GovukSelect,
        field_name="revision__kind",
        choices=Kind.choices,
        empty_label="All kinds",
        label="Kind",
    )
    situation = django_filters.ChoiceFilter(
        widget=GovukSelect,
        field_name="revision__situation",
        choices=Situation.choices,
        empty_label="All situations",
        label="Situation",
    )
    status = django_filters.ChoiceFilter(
        widget=GovukSelect,
        choices=[c for c in Declaration.Status.choices if c[0] != Declaration.Status.DRAFT],
        empty_label="All statuses",
        label="Status",
    )
    late = django_filters.ChoiceFilter(
        widget=GovukSelect,
        field_name="is_late",
        choices=[("true", "Late only"), ("false", "On time only")],
        empty_label="Late and on time",
        label="Late",
        method="filter_late",
    )
    declared_from = django_filters.DateFilter(
        field_name="first_submitted_at",
        lookup_expr="date__gte",
        label="Declared from",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the first date as a real date, for example 2026-03-27"},
    )
    declared_to = django_filters.DateFilter(
        field_name="first_submitted_at",
        lookup_expr="date__lte",
        label="Declared to",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the last date as a real date, for example 2026-03-31"},
    )

    def __init__(self, data=None, *args, partnerships: list[tuple[int, str]], **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["partnership"].extra["choices"] = partnerships
        for field in self.form.fields.values():
            if not isinstance(field.widget, GovukSelect):
                field.widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def filter_late(self, queryset, name, value):
        return queryset.filter(is_late=(value == "true"))
