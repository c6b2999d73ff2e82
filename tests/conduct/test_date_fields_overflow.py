"""A date too large for the calendar is a form error, never a 500 (found by the hostile-input tests)."""

import pytest
from django import forms

from declarations.forms import GovDateField
from govuk.date_input import DayMonthYearField


@pytest.mark.parametrize(
    "day, month, year", [("1", "1", "2147483648"), ("0", "0", "2147483648"), ("99999999999", "1", "2026")]
)
def test_the_breach_report_date_refuses_numbers_too_large_for_a_date(day, month, year):
    with pytest.raises(forms.ValidationError) as refusal:
        DayMonthYearField(what="the date it happened").clean([day, month, year])
    assert refusal.value.messages == ["The date it happened must be a real date"]


@pytest.mark.parametrize("day, month", [("99999999999", "1"), ("1", "99999999999")])
def test_the_declaration_date_refuses_numbers_too_large_for_a_date(day, month):
    with pytest.raises(forms.ValidationError) as refusal:
        GovDateField(subject="the date it arose").clean([day, month, "2026"])
    assert refusal.value.messages == ["The date it arose must be a real date"]
