from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from govuk.error_summary import ErrorSummaryMixin
from govuk.form_inputs import KeepsWhatIsTypedMixin


class RetentionPeriodForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    """Validates a new period; `retention_rule_set` saves it."""

    months = forms.IntegerField(
        label="How many months to keep it",
        min_value=1,
        max_value=1200,
        error_messages={
            "required": "Enter how many months to keep it",
            "invalid": "Enter the number of months as a whole number, like 72",
            "min_value": "The period must be at least 1 month",
            "max_value": "The period must be 1200 months or fewer",
        },
    )
    reason = forms.CharField(
        label="Why the period changes",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Give the reason the period changes",
            "max_length": "The reason must be 1000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("months", field_width=4),
            Field.textarea("reason"),
            Button.primary("submit", "Save the period"),
        )
