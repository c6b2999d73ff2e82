"""The shared GOV.UK error summary links each problem to the input that should take focus."""

import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string

from govuk.error_summary import ErrorSummaryMixin


class MeetingForm(ErrorSummaryMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=[("upheld", "Upheld"), ("dismissed", "Dismissed")], widget=forms.RadioSelect)
    met_on = DateInputField(label="When did you meet?", require_all_fields=False)
    topics = forms.MultipleChoiceField(
        choices=[("gifts", "Gifts"), ("roles", "Roles")], widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version", Field.radios("outcome"), Field("met_on"), Field.checkboxes("topics"), Field.text("place")
        )


class NoFieldsForm(ErrorSummaryMixin, forms.Form):
    pass


def summary_links(form) -> list[tuple[str, str]]:
    html = render_to_string("_error_summary.html", {"form": form})
    return re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', html)


def rendered_ids(form) -> set[str]:
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    return set(re.findall(r'<input[^>]* id="([^"]+)"', html))


def test_a_radio_group_error_links_to_its_first_radio():
    form = MeetingForm(
        {"version": "1", "met_on_0": "1", "met_on_1": "2", "met_on_2": "2026", "topics": ["gifts"], "place": "Hall"}
    )
    assert summary_links(form) == [("id_outcome_1", "This field is required.")]
    assert "id_outcome_1" in rendered_ids(form)


def test_a_date_error_links_to_the_part_that_is_wrong():
    form = MeetingForm(
        {
            "version": "1",
            "outcome": "upheld",
            "met_on_0": "1",
            "met_on_1": "",
            "met_on_2": "2026",
            "topics": ["gifts"],
            "place": "Hall",
        }
    )
    links = summary_links(form)
    assert [anchor for anchor, _ in links] == ["id_met_on_1"], "the month is missing, and only once in the summary"
    assert "id_met_on_1" in rendered_ids(form)


def test_a_whole_date_error_links_to_the_day():
    form = MeetingForm(
        {
            "version": "1",
            "outcome": "upheld",
            "met_on_0": "31",
            "met_on_1": "2",
            "met_on_2": "2026",
            "topics": ["gifts"],
            "place": "Hall",
        }
    )
    assert [anchor for anchor, _ in summary_links(form)] == ["id_met_on_0"]
    assert "id_met_on_0" in rendered_ids(form)


def test_each_field_links_to_its_own_first_input_in_order():
    form = MeetingForm({"version": "1"})
    anchors = [anchor for anchor, _ in summary_links(form)]
    assert anchors == ["id_outcome_1", "id_met_on_0", "id_topics_1", "id_place"]
    assert set(anchors) <= rendered_ids(form)


def test_the_same_message_on_two_fields_is_listed_for_each():
    form = MeetingForm({"version": "1", "met_on_0": "1", "met_on_1": "2", "met_on_2": "2026", "place": "Hall"})
    assert summary_links(form) == [
        ("id_outcome_1", "This field is required."),
        ("id_topics_1", "This field is required."),
    ]


def test_a_form_wide_or_hidden_field_error_links_to_the_first_field():
    form = MeetingForm(
        {
            "outcome": "upheld",
            "met_on_0": "1",
            "met_on_1": "2",
            "met_on_2": "2026",
            "topics": ["gifts"],
            "place": "Hall",
        }
    )
    form.is_valid()
    form.add_error(None, "This case changed while you were working on it.")
    assert summary_links(form) == [
        ("id_outcome_1", "This case changed while you were working on it."),
        ("id_outcome_1", "This field is required."),
    ]


def test_a_form_with_no_fields_still_shows_its_problem():
    form = NoFieldsForm({})
    form.is_valid()
    form.add_error(None, "The declaration has already been submitted.")
    html = render_to_string("_error_summary.html", {"form": form})
    assert "<li>The declaration has already been submitted.</li>" in html


def test_a_form_without_problems_shows_no_summary():
    assert "govuk-error-summary" not in render_to_string("_error_summary.html", {"form": MeetingForm()})
