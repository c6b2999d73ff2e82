"""Each meeting's published decision record, on a public page per partnership: its purpose,
the decisions on items not taken in private, every declared conflict and what happened to it,
and the dispensations used. A confidential item shows only that it was taken in private and
any conflicts on it."""

import pytest

from declarations import services as declaration_services
from meetings import services

from .conftest import MEETING_DAY, OUTSIDE_EMPLOYMENT, add_item, declare

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(meeting, cara, priya, alice, bob, acme):
    """Item 1 (public): alice left the room. Item 2 (confidential): bob took part under a dispensation."""
    declare(alice, counterparty_organisation=acme, **OUTSIDE_EMPLOYMENT)
    bobs = declare(bob, counterparty_name="Jane Smith", kind="personal", situation="other", value=None)
    declaration_services.dispensation_grant(
        declaration=bobs, actor=priya, reason="The only clinician present", starts_on=MEETING_DAY, ends_on=MEETING_DAY
    )
    public = add_item(meeting, cara, "Community transport contract", organisations=["Acme Health Supplies"])
    private = add_item(meeting, cara, "Disciplinary matter", people=["Jane Smith"], confidential=True)
    for item, who, handling in ((public, alice, "left_room"), (private, bob, "dispensation")):
        services.meeting_conflict_handle(meeting=meeting, actor=cara, item=item, attendee=who.user, handling=handling)
    services.meeting_item_decide(
        meeting=meeting, actor=cara, item=public, outcome="Awarded to Acme Health Supplies.", participants=[bob.user]
    )
    services.meeting_item_decide(
        meeting=meeting, actor=cara, item=private, outcome="Jane Smith is dismissed.", participants=[bob.user, cara]
    )
    return services.meeting_record_publish(meeting=meeting, actor=cara)


def test_the_record_shows_the_purpose_decisions_conflicts_and_dispensations(client, alliance, published):
    listing = client.get(f"/meetings/public/{alliance.slug}/").content.decode()
    assert published.get_public_url() in listing and "To award the community transport contract" in listing
    page = client.get(published.get_public_url()).content.decode()
    assert "Record of the meeting on 25 March 2026" in page
    assert "To award the community transport contract and agree the carers&#x27; strategy." in page
    assert "Item 1: Community transport contract" in page and "Awarded to Acme Health Supplies." in page
    assert "Took part:</span> Bob Brown</p>" in page
    assert (
        "Alice Adams declared an interest (Financial interest: outside employment concerning Acme Health Supplies):"
        " left the room for the item." in page
    )
    assert "Bob Brown declared an interest: took part under a dispensation (dispensation granted 25 March 2026" in (
        page
    )
    assert "The only clinician present" in page


def test_the_record_hides_what_a_confidential_item_was_and_decided(client, published):
    page = client.get(published.get_public_url()).content.decode()
    assert "Item 2: taken in private" in page
    assert "Disciplinary matter" not in page and "dismissed" not in page and "Jane Smith" not in page


def test_a_meeting_whose_record_is_open_is_not_public(client, alliance, meeting, cara):
    add_item(meeting, cara)
    assert client.get(f"/meetings/public/{alliance.slug}/{meeting.pk}/").status_code == 404
    assert meeting.get_public_url() not in client.get(f"/meetings/public/{alliance.slug}/").content.decode()


def test_a_meeting_is_public_only_under_its_own_partnership(client, coalition, published):
    assert client.get(f"/meetings/public/{coalition.slug}/{published.pk}/").status_code == 404
