from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django.contrib.auth.forms import SetPasswordForm

from govuk.error_summary import ErrorSummaryMixin


class InvitationPasswordForm(ErrorSummaryMixin, SetPasswordForm):
    """Django's own password rules (length, similarity, common passwords), checked for the person setting theirs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields["new_password2"].label = "Type the password again"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("new_password1", field_width=20, autocomplete="new-password"),
            Field.text("new_password2", field_width=20, autocomplete="new-password"),
            Button.primary("submit", "Set my password"),
        )
