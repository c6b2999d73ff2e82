"""Meetings of The Health Creation Alliance, recorded through the services.

cara chairs the Alliance; priya is its programme manager; alice (Riverside) and bob
(Northfield) are partners who attend. The meeting is on 25 March 2026; the tests run on
20 March, before it.
"""

import datetime

import pytest

from conduct.models import Organisation, PartnershipRole
from meetings import services
from meetings.models import Meeting
from tests.conftest import make_user
from tests.declarations.conftest import accept, declare, rita  # noqa: F401 (shared with the tests)

MEETING_DAY = datetime.date(2026, 3, 25)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def cara(alliance):
    user = make_user("cara", "Cara", "Chair")
    PartnershipRole.objects.create(user=user, partnership=alliance, role=PartnershipRole.Role.CHAIR)
    return user


@pytest.fixture
def acme(db):
    return Organisation.objects.create(name="Acme Health Supplies", slug="acme-health-supplies")


@pytest.fixture
def meeting(alliance, cara, priya, alice, bob):
    return services.meeting_create(
        actor=priya,
        partnership=alliance,
        held_on=MEETING_DAY,
        purpose="To award the community transport contract and agree the carers' strategy.",
        chair=cara,
        attendees=[alice.user, bob.user, priya],
    )


def add_item(meeting, actor, title="Community transport contract", *, organisations=(), people=(), confidential=False):
    return services.meeting_item_add(
        meeting=meeting,
        actor=actor,
        title=title,
        confidential=confidential,
        organisations=list(organisations),
        people=list(people),
    )


def fresh(meeting) -> Meeting:
    return Meeting.objects.get(pk=meeting.pk)


OUTSIDE_EMPLOYMENT = {
    "kind": "financial",
    "situation": "outside_employment",
    "description": "Non-executive director",
    "value": None,
    "cash_or_vouchers": None,
    "outcome": "",
    "permitted_by": "The chair",
    "permitted_on": datetime.date(2025, 1, 6),
}
