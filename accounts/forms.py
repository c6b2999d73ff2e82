from crispy_forms_gds.layout import Field
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
