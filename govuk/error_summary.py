"""The links of the GOV.UK error summary (templates/_error_summary.html), for any app's forms."""

from django import forms


class ErrorSummaryMixin:
    """A form whose error summary links each problem to the input that should take focus.

    crispy-forms-gds links a radio or checkbox group, and a date, to an element that
    cannot take focus; the design system asks for the first input of the group instead.
    """

    def error_links(self) -> list[tuple[str | None, str]]:
        """(anchor, message) for each problem, in the order of the fields; the anchor is
        None when the form shows no field to link to."""
        links = []
        visible = self.visible_fields()
        form_wide = list(self.non_field_errors())
        for bound in self.hidden_fields():
            form_wide.extend(bound.errors)
        first = _first_input(visible[0]) if visible else None
        links.extend((first, error) for error in form_wide)
        for bound in visible:
            shown = []
            if isinstance(bound.field, forms.MultiValueField):
                # crispy-forms-gds keeps the problem with one part (say, the month) on that part's widget.
                for position, part in enumerate(bound.field.fields):
                    for error in getattr(part.widget, "errors", []):
                        links.append((f"{bound.auto_id}_{position}", error))
                        shown.append(error)
            links.extend((_first_input(bound), error) for error in bound.errors if error not in shown)
        return links


def _first_input(bound: forms.BoundField) -> str:
    field = bound.field
    if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        # crispy-forms-gds numbers a group's inputs from 1.
        return f"{bound.auto_id}_1"
    if isinstance(field, forms.MultiValueField):
        return f"{bound.auto_id}_0"
    return bound.auto_id
