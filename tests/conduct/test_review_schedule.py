"""The arithmetic of review dates."""

import datetime

import pytest

from conduct.review_schedule import (
    FULL,
    LIGHT_TOUCH,
    ReviewMilestone,
    latest_due,
    next_upcoming,
    review_milestones,
)
from govuk.date_arithmetic import add_months

D = datetime.date


def test_the_health_creation_alliance_code_is_reviewed_in_october_2024_2025_and_fully_in_2026():
    assert review_milestones(last_full_review_on=D(2023, 10, 1), light_touch_months=12, full_months=36) == [
        ReviewMilestone(LIGHT_TOUCH, D(2024, 10, 1)),
        ReviewMilestone(LIGHT_TOUCH, D(2025, 10, 1)),
        ReviewMilestone(FULL, D(2026, 10, 1)),
    ]


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # a leap day has no anniversary in a common year
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # but does in the next leap year
        (D(2023, 1, 31), 1, D(2023, 2, 28)),  # month ends clamp
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 8, 31), 12, D(2024, 8, 31)),
        (D(2023, 12, 15), 1, D(2024, 1, 15)),  # across a year end
    ],
)
def test_months_are_added_to_the_same_day_or_the_months_last_day(start, months, expected):
    assert add_months(start, months) == expected


def test_a_review_cycle_from_a_leap_day():
    assert [
        m.due_on for m in review_milestones(last_full_review_on=D(2024, 2, 29), light_touch_months=12, full_months=36)
    ] == [
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
    ]


def test_a_custom_cadence_of_six_monthly_light_touch_and_two_yearly_full_reviews():
    milestones = review_milestones(last_full_review_on=D(2025, 3, 31), light_touch_months=6, full_months=24)
    assert [(m.kind, m.due_on) for m in milestones] == [
        (LIGHT_TOUCH, D(2025, 9, 30)),
        (LIGHT_TOUCH, D(2026, 3, 31)),
        (LIGHT_TOUCH, D(2026, 9, 30)),
        (FULL, D(2027, 3, 31)),
    ]


def test_no_light_touch_reviews_when_they_would_come_no_sooner_than_the_full_one():
    assert review_milestones(last_full_review_on=D(2025, 1, 1), light_touch_months=36, full_months=36) == [
        ReviewMilestone(FULL, D(2028, 1, 1))
    ]


def test_the_latest_due_review_covers_earlier_ones_and_the_next_is_upcoming():
    milestones = review_milestones(last_full_review_on=D(2023, 10, 1), light_touch_months=12, full_months=36)
    assert latest_due(milestones, D(2024, 9, 30)) is None
    assert latest_due(milestones, D(2024, 10, 1)) == ReviewMilestone(LIGHT_TOUCH, D(2024, 10, 1))
    assert latest_due(milestones, D(2026, 11, 22)) == ReviewMilestone(FULL, D(2026, 10, 1))
    assert next_upcoming(milestones, D(2025, 1, 1)) == ReviewMilestone(LIGHT_TOUCH, D(2025, 10, 1))
    assert next_upcoming(milestones, D(2026, 11, 22)) is None
