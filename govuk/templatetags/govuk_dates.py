"""Dates as the pages write them ("4 June 2026"), formatted directly.

Django's `date` filter looks its format up through the translation machinery
on every call, and `strftime` and the current time zone are slow to reach too:
in a table of fifty rows with three dates each, that cost more than the rest of
the row. These filters give the same text for the few formats the pages use.
The service is in English and in London time (it never activates another time
zone), so the month names and the zone are fixed."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

STYLES = {
    "": "{day} {month} {year}",  # j F Y
    "short": "{day} {mon} {year}",  # j M Y
    "day_month": "{day} {mon}",  # j M
    "month_year": "{month} {year}",  # F Y
    "with_time": "{day} {month} {year}, {hour:02d}:{minute:02d}",  # j F Y, H:i
}


@register.filter
def govuk_date(value, style: str = "") -> str:
    if not isinstance(value, datetime.date):
        return ""
    is_datetime = isinstance(value, datetime.datetime)
    if is_datetime and value.tzinfo is not None:
        value = value.astimezone(timezone.get_default_timezone())
    month = MONTHS[value.month - 1]
    return STYLES[style].format(
        day=value.day,
        month=month,
        mon=month[:3],
        year=value.year,
        hour=value.hour if is_datetime else 0,
        minute=value.minute if is_datetime else 0,
    )
