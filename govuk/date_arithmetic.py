"""Calendar arithmetic that deadlines and review schedules share."""

import datetime

from dateutil.relativedelta import relativedelta


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Month arithmetic that keeps the day where it can and otherwise takes the
    month's last day: 31 January + 1 month is 28 (or 29) February."""
    return day + relativedelta(months=months)
