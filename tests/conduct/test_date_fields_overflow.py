"""A date too large for the calendar is a form error, never a 500 (found by the hostile-input tests)."""

import pytest
from django import forms

from govuk.date_input import DayMonthYearField


@pytest.mark.parametrize(
    "day, month, year", [("1", "1", "2147483648"), ("0", "0", "2147483648"), ("99999999999", "1", "2026")]
)
def test_the_one_date_field_refuses_numbers_too_large_for_a_date(day, month, year):
    with pytest.raises(forms.ValidationError) as refusal:
        DayMonthYearField(what="the date it happened").clean([day, month, year])
    assert refusal.value.messages == ["The date it happened must be a real date"]


def test_every_app_asks_for_dates_through_the_one_field_in_govuk():
    from breaches.forms import ReportStartForm
    from declarations.forms import DetailsForm, EndForm

    for field in (DetailsForm.base_fields["arose_on"], EndForm.base_fields["ended_on"]):
        assert type(field) is DayMonthYearField
    assert any(type(field) is DayMonthYearField for field in ReportStartForm.base_fields.values())
