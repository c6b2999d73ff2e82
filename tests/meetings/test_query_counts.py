"""The conflicts list and the public record run the same number of SQL queries for a small
meeting as for a large one: more attendees, items, names, declarations, handlings and
decisions, and a dispensation, read in the same few queries."""

import contextlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conduct.models import Organisation, Partner
from declarations import services as declaration_services
from meetings import services
from tests.conftest import make_user

from .conftest import MEETING_DAY, OUTSIDE_EMPLOYMENT, declare

pytestmark = pytest.mark.django_db


def build(*, alliance, riverside, priya, cara, attendees: int, items: int, tag: str):
    people = [
        Partner.objects.create(user=make_user(f"{tag}{n}", "Pat", f"Person {n}"), organisation=riverside).user
        for n in range(attendees)
    ]
    suppliers = [
        Organisation.objects.get_or_create(name=f"Supplier {n}", defaults={"slug": f"supplier-{n}"})[0]
        for n in range(items)
    ]
    for n, person in enumerate(people):
        declare(person, partnership=alliance, counterparty_organisation=suppliers[n % items], **OUTSIDE_EMPLOYMENT)
        declare(
            person,
            partnership=alliance,
            counterparty_name=f"Person {n % items}",
            kind="personal",
            situation="other",
            value=None,
        )
    meeting = services.meeting_create(
        actor=priya, partnership=alliance, held_on=MEETING_DAY, purpose="Contracts.", chair=cara, attendees=people
    )
    agenda = [
        services.meeting_item_add(
            meeting=meeting,
            actor=cara,
            title=f"Contract {n}",
            confidential=n % 2 == 1,
            organisations=[supplier.name],
            people=[f"person {n}"],
        )
        for n, supplier in enumerate(suppliers)
    ]
    first = declare(
        people[0],
        partnership=alliance,
        counterparty_name="Supplier 0",
        kind="professional",
        situation="other",
        value=None,
    )
    declaration_services.dispensation_grant(
        declaration=first, actor=priya, reason="Needed", starts_on=MEETING_DAY, ends_on=MEETING_DAY
    )
    # Every conflict handled and every item decided, by the chair alone.
    for item in agenda:
        for person in people:
            with contextlib.suppress(services.MeetingError):
                services.meeting_conflict_handle(
                    meeting=meeting, actor=cara, item=item, attendee=person, handling="left_room"
                )
        services.meeting_item_decide(meeting=meeting, actor=cara, item=item, outcome="Agreed.", participants=[cara])
    return meeting


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_conflicts_list_and_the_public_record_cost_the_same_at_any_size(
    client, alliance, riverside, priya, cara, coalition
):
    small = build(alliance=alliance, riverside=riverside, priya=priya, cara=cara, attendees=2, items=1, tag="s")
    large = build(alliance=alliance, riverside=riverside, priya=priya, cara=cara, attendees=8, items=5, tag="l")
    client.force_login(cara)
    assert "8 conflicts of interest on 5 items" in client.get(large.get_absolute_url()).content.decode()
    assert queries(client, small.get_absolute_url()) == queries(client, large.get_absolute_url())
    for meeting in (small, large):
        services.meeting_record_publish(meeting=meeting, actor=cara)
    client.logout()
    assert queries(client, small.get_public_url()) == queries(client, large.get_public_url())


def test_the_lists_and_forms_cost_the_same_for_one_meeting_as_for_many(client, alliance, riverside, priya, cara):
    small = build(alliance=alliance, riverside=riverside, priya=priya, cara=cara, attendees=2, items=1, tag="s")
    services.meeting_record_publish(meeting=small, actor=cara)
    client.force_login(cara)
    before = {
        path: queries(client, path) for path in ("/meetings/", f"/meetings/public/{alliance.slug}/", "/meetings/new/")
    }
    large = build(alliance=alliance, riverside=riverside, priya=priya, cara=cara, attendees=8, items=5, tag="l")
    services.meeting_record_publish(meeting=large, actor=cara)
    after = {path: queries(client, path) for path in before}
    assert before == after
