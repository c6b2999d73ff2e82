"""When a code falls due for review: light-touch reviews every so many months
after its last full review, and a full review after the full cycle
("We will undertake a light-touch review annually and a full review every 3 years")."""

import datetime
from dataclasses import dataclass

from govuk.date_arithmetic import add_months

LIGHT_TOUCH = "light_touch"
FULL = "full"


@dataclass(frozen=True)
class ReviewMilestone:
    kind: str
    due_on: datetime.date


def review_milestones(
    *, last_full_review_on: datetime.date, light_touch_months: int, full_months: int
) -> list[ReviewMilestone]:
    """The reviews of one cycle, in date order, ending with the full review."""
    milestones = [
        ReviewMilestone(LIGHT_TOUCH, add_months(last_full_review_on, months))
        for months in range(light_touch_months, full_months, light_touch_months)
    ]
    milestones.append(ReviewMilestone(FULL, add_months(last_full_review_on, full_months)))
    return milestones


def latest_due(milestones: list[ReviewMilestone], today: datetime.date) -> ReviewMilestone | None:
    """The most recent review that has fallen due; earlier ones it covers."""
    due = [m for m in milestones if m.due_on <= today]
    return due[-1] if due else None


def next_upcoming(milestones: list[ReviewMilestone], today: datetime.date) -> ReviewMilestone | None:
    return next((m for m in milestones if m.due_on > today), None)
