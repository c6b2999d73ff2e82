"""GOV.UK's date input (day, month, year), for any app's forms."""

from crispy_forms_gds.fields import DateInputField
from django import forms


class DayMonthYearField(DateInputField):
    """GOV.UK's date input (day, month, year) with messages that say which date is wrong and how;
    with `optional_day`, a month and year alone are enough."""

    def __init__(self, *, what: str, optional_day: bool = False, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.what = what
        # A document dated "March 2025" gives no day: the date is then the first of the month.
        self.optional_day = optional_day
        self.fields[0].required = not optional_day
        self.error_messages.update(
            {"required": f"Enter {what}", "incomplete": f"Enter {what} as a day, month and year"}
        )
        capitalised = what[0].upper() + what[1:]
        for field, part in zip(self.fields, ("day", "month", "year"), strict=True):
            field.error_messages["incomplete"] = f"{capitalised} must include a {part}"
            field.validators[0].message = f"{capitalised} must be a real date, in numbers"

    def compress(self, data_list):
        day, month, year = (list(data_list) + [None, None, None])[:3]
        if self.optional_day and not day and month and year:
            data_list = ["1", month, year]
        try:
            value = super().compress(data_list)
        # A year too large for the calendar overflows rather than failing validation.
        except (forms.ValidationError, OverflowError):
            raise forms.ValidationError(
                f"{self.what[0].upper()}{self.what[1:]} must be a real date", code="invalid"
            ) from None
        if value is not None and value.year < 1900:
            raise forms.ValidationError(f"Enter {self.what} with a four-digit year, for example 2026", code="invalid")
        return value
