"""Every app lays out its forms through one helper: the fields, one button,
GOV.UK's messages rather than the browser's."""

from crispy_forms_gds.layout import Field
from django import forms
from django.template import Context, Template

from govuk.form_layout import form_helper


class NameForm(forms.Form):
    name = forms.CharField(label="Your name")


def rendered(helper) -> str:
    form = NameForm()
    form.helper = helper
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def test_a_form_has_its_fields_then_one_button_and_leaves_checking_to_the_server():
    html = rendered(form_helper(Field.text("name"), button="Save the name"))
    assert "novalidate" in html and 'method="post"' in html
    assert html.index('name="name"') < html.index("Save the name")
    assert "govuk-button" in html and "govuk-button--secondary" not in html


def test_a_secondary_button_and_another_address_when_asked():
    helper = form_helper(Field.text("name"), button="Search", button_class="secondary", method="get", action="/x/")
    html = rendered(helper)
    assert "govuk-button--secondary" in html and 'method="get"' in html and 'action="/x/"' in html
