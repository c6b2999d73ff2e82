"""Dates as the pages write them ("4 June 2026"), formatted directly.

Django's `date` filter looks its format up through the translation machinery
on every call: in a table of fifty rows that costs more than the rest of the
row. These filters give the same text for the few formats the pages use."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()

STYLES = {
    "": "{day} {month} {year}",  # j F Y
    "short": "{day} {mon} {year}",  # j M Y
    "day_month": "{day} {mon}",  # j M
    "with_time": "{day} {month} {year}, {time}",  # j F Y, H:i
}


@register.filter
def govuk_date(value, style: str = "") -> str:
    if not isinstance(value, datetime.date):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return STYLES[style].format(
        day=value.day,
        month=value.strftime("%B"),
        mon=value.strftime("%b"),
        year=value.year,
        time=value.strftime("%H:%M") if isinstance(value, datetime.datetime) else "",
    )
