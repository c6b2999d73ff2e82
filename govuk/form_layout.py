"""The one way every app lays out a GOV.UK form: its fields, then one button."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout


def form_helper(
    *fields, button: str, button_class: str = "primary", method: str = "post", action: str = ""
) -> FormHelper:
    """Crispy's helper for a form of these fields and a button (`button_class`: primary,
    secondary or warning). The browser's own validation is off: GOV.UK's error summary
    and messages say what is wrong, in the same words for everyone."""
    helper = FormHelper()
    helper.form_method = method
    helper.attrs = {"novalidate": ""}
    if action:
        helper.form_action = action
    helper.layout = Layout(*fields, getattr(Button, button_class)("submit", button))
    return helper
