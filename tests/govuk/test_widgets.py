"""The GOV.UK select that list filters use writes its own options."""

from django import forms

from govuk.widgets import GovukSelect


class OrganisationFilterForm(forms.Form):
    organisation = forms.ChoiceField(
        choices=[("", "All organisations"), (7, "Riverside & Co"), (9, "<script>alert(1)</script>")], widget=GovukSelect
    )


def test_the_chosen_option_is_selected_and_the_others_are_not():
    html = str(OrganisationFilterForm({"organisation": "9"})["organisation"])
    select_tag = html[: html.index(">") + 1]
    for attribute in ('name="organisation"', 'class="govuk-select"', 'id="id_organisation"'):
        assert attribute in select_tag
    assert '<option value="">All organisations</option>' in html
    assert '<option value="7">Riverside &amp; Co</option>' in html
    assert '<option value="9" selected>' in html
    assert html.count("selected") == 1


def test_option_labels_are_escaped():
    html = str(OrganisationFilterForm()["organisation"])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unbound_form_selects_the_empty_choice_as_django_does():
    html = str(OrganisationFilterForm()["organisation"])
    assert '<option value="" selected>All organisations</option>' in html
    assert html.count("selected") == 1
