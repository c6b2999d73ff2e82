from crispy_forms_gds.layout import Field
from django import forms
from django.contrib.auth.forms import SetPasswordForm

from govuk.error_summary import ErrorSummaryMixin
from govuk.form_layout import form_helper


class InvitationPasswordForm(ErrorSummaryMixin, SetPasswordForm):
    """Django's own password rules (length, similarity, common passwords), checked for the person setting theirs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields["new_password2"].label = "Type the password again"
        self.helper = form_helper(
            Field.text("new_password1", field_width=20, autocomplete="new-password"),
            Field.text("new_password2", field_width=20, autocomplete="new-password"),
            button="Set my password",
        )


class SecondFactorCodeForm(ErrorSummaryMixin, forms.Form):
    """A code from the authenticator app (or a recovery code): the service says whether it is right."""

    code = forms.CharField(
        max_length=40,
        error_messages={
            "required": "Enter the code your authenticator app shows",
            "max_length": "Enter the 6-digit code your authenticator app shows, or a recovery code",
        },
    )

    def __init__(self, *args, label: str, hint: str, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = label
        self.fields["code"].help_text = hint
        self.helper = form_helper(
            Field.text("code", field_width=10, autocomplete="one-time-code", spellcheck="false", inputmode="numeric"),
            button=button,
        )
        # The page's own form carries the page to go to next.
        self.helper.form_tag = False
