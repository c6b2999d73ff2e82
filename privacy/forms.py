from crispy_forms_gds.layout import Field
from django import forms

from conduct import selectors as conduct_selectors
from govuk.date_input import DayMonthYearField
from govuk.error_summary import ErrorSummaryMixin
from govuk.form_inputs import KeepsWhatIsTypedMixin
from govuk.form_layout import form_helper


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
        self.helper = form_helper(
            Field.text("months", field_width=4), Field.textarea("reason"), button="Save the period"
        )


class SubjectAccessRequestForm(KeepsWhatIsTypedMixin, ErrorSummaryMixin, forms.Form):
    """Validates a new request; `subject_access_request_record` records it."""

    email = forms.EmailField(
        label="Email address of the person the request is about",
        help_text="The address their Conduct account has.",
        max_length=254,
        error_messages={
            "required": "Enter the email address of the person the request is about",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    asked_by = forms.CharField(
        label="Who made the request",
        help_text="The person themselves, or who is acting for them (for example, their solicitor).",
        max_length=200,
        error_messages={
            "required": "Enter who made the request",
            "max_length": "Who made the request must be 200 characters or fewer",
        },
    )
    received_on = DayMonthYearField(
        label="When was the request received?",
        what="the date the request was received",
        help_text="The month to answer it counts from this day. For example, 27 3 2026.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("email"), Field.text("asked_by"), Field("received_on"), button="Record the request"
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email"):
            cleaned["subject"] = conduct_selectors.account_with_email(cleaned["email"])
            if cleaned["subject"] is None:
                self.add_error("email", "Nobody in Conduct has this email address")
        return cleaned


class SubjectAccessAnswerForm(ErrorSummaryMixin, forms.Form):
    confirm = forms.BooleanField(
        label="The export has been sent to the person, or to whoever is acting for them",
        error_messages={"required": "Confirm that the export has been sent before marking the request answered"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.checkbox("confirm"), button="Mark as answered")
