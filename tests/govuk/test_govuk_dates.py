"""The pages' own date filter writes exactly what Django's `date` filter writes in a template
(in London time)."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template

from govuk.templatetags.govuk_dates import govuk_date

DJANGO_FORMATS = {"": "j F Y", "short": "j M Y", "day_month": "j M", "with_time": "j F Y, H:i"}
UTC = datetime.UTC

MOMENTS = [
    datetime.date(2026, 1, 1),
    datetime.date(2026, 9, 30),
    datetime.date(2024, 2, 29),
    # Either side of the clocks changing in London, and the last minutes of a UTC day that is tomorrow in London.
    datetime.datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
    datetime.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
    datetime.datetime(2026, 12, 31, 23, 59, tzinfo=zoneinfo.ZoneInfo("America/New_York")),
    datetime.datetime(2026, 5, 4, 9, 5),  # naive: written as it is
]


@pytest.mark.parametrize("style", DJANGO_FORMATS)
@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_the_text_is_what_djangos_date_filter_writes(style, moment):
    if style == "with_time" and not isinstance(moment, datetime.datetime):
        return
    ours = Template("{% load govuk_dates %}{{ moment|govuk_date:style }}").render(
        Context({"moment": moment, "style": style})
    )
    djangos = Template("{{ moment|date:format }}").render(Context({"moment": moment, "format": DJANGO_FORMATS[style]}))
    assert ours == djangos


@pytest.mark.parametrize("nothing", [None, "", "2026-01-01"])
def test_anything_but_a_date_writes_nothing(nothing):
    assert govuk_date(nothing) == ""
