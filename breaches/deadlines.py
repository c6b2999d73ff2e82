"""Dates a case must keep to: triage in working days, acknowledgement in days,
feedback in months (the good-practice timescales of whistleblowing schemes)."""

import datetime

from dateutil.relativedelta import relativedelta

# The queue warns this long before an acknowledgement or feedback falls due.
ACKNOWLEDGEMENT_WARNING_DAYS = 2
FEEDBACK_WARNING_DAYS = 14


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days (Monday to Friday) after `start`.
    Bank holidays are not counted out: they differ across the UK's nations."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def months_before(day: datetime.date, months: int) -> datetime.date:
    return day - relativedelta(months=months)
