import django_filters

from govuk.widgets import GovukSelect


class SignatureStatusFilter(django_filters.FilterSet):
    """Filters for the programme manager's list of who has signed a version."""

    # Plain choices rather than a ModelChoiceFilter, whose queryset would be read
    # through a server-side cursor: far slower for a short list.
    organisation = django_filters.ChoiceFilter(
        widget=GovukSelect,
        field_name="organisation_id",
        choices=[],
        empty_label="All organisations",
        label="Organisation",
    )
    status = django_filters.ChoiceFilter(
        widget=GovukSelect,
        label="Status",
        choices=[("signed", "Signed"), ("outstanding", "Outstanding")],
        empty_label="Signed and outstanding",
        method="filter_status",
    )

    def __init__(self, data=None, *args, organisations: list[tuple[int, str]], **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["organisation"].extra["choices"] = organisations

    def filter_status(self, queryset, name, value):
        return queryset.filter(signed_at__isnull=(value == "outstanding"))

    @property
    def chosen_organisation_id(self) -> int | None:
        form = self.form
        chosen = form.cleaned_data.get("organisation") if form.is_valid() else None
        return int(chosen) if chosen else None

    @property
    def chosen_status(self) -> str:
        return self.form.cleaned_data.get("status", "") if self.form.is_valid() else ""
