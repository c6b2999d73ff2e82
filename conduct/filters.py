import django_filters

from .selectors import organisations_expected_to_sign


class SignatureStatusFilter(django_filters.FilterSet):
    """Filters for the programme manager's list of who has signed a version."""

    organisation = django_filters.ModelChoiceFilter(
        field_name="organisation", queryset=None, empty_label="All organisations", label="Organisation"
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("signed", "Signed"), ("outstanding", "Outstanding")],
        empty_label="Signed and outstanding",
        method="filter_status",
    )

    def __init__(self, data=None, *args, version, partnerships, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["organisation"].queryset = organisations_expected_to_sign(version, partnerships=partnerships)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "govuk-select"

    def filter_status(self, queryset, name, value):
        return queryset.filter(signed_at__isnull=(value == "outstanding"))

    @property
    def chosen_organisation(self):
        form = self.form
        return form.cleaned_data.get("organisation") if form.is_valid() else None
