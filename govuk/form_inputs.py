"""What every form that takes text shares, whichever app it belongs to."""

from django import forms


class KeepsWhatIsTypedMixin:
    """Inputs never cut off what is typed or pasted: a maxlength attribute makes
    the browser drop the rest silently, so the length is checked on submit
    instead, with a message that gives the limit, and the text is shown back whole."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)


class DrawnFieldsMixin:
    """Fields that templates/govuk/_drawn_fields.html writes out in the GOV.UK markup that
    crispy-forms-gds gives them, for pages where crispy's nested templates cost most of the
    time (the policies page: 20 ms to 4 ms). A field is drawn as a checkbox, as radios (a
    RadioSelect) or as a short text box."""

    legend = ""

    def drawn_fields(self) -> list[dict]:
        """Each field with what its markup needs: its kind, the value as its widget would show
        it, the ids its error messages take and which radio is chosen."""
        drawn = []
        for bound in self:
            widget = bound.field.widget
            kind = (
                "checkbox"
                if isinstance(widget, forms.CheckboxInput)
                else "radios"
                if isinstance(widget, forms.RadioSelect)
                else "text"
            )
            value = bound.value()
            errors = [(f"{bound.auto_id}_{number}_error", error) for number, error in enumerate(bound.errors, 1)]
            drawn.append(
                {
                    "bound": bound,
                    "kind": kind,
                    "errors": errors,
                    "described_by": " ".join(
                        [f"{bound.auto_id}_hint"] * bool(bound.help_text) + [error_id for error_id, _ in errors]
                    ),
                    "value": widget.format_value(value) if kind == "text" else None,
                    "checked": widget.check_test(value) if kind == "checkbox" else None,
                    "chosen": "" if value is None else str(value),
                    "choices": [
                        (f"{bound.auto_id}_{number}", str(choice), str(label))
                        for number, (choice, label) in enumerate(bound.field.choices, 1)
                    ]
                    if kind == "radios"
                    else [],
                }
            )
        return drawn
