"""Before the meeting the chair sees the conflicts list: each attendee's declared interests
matched against whom each item concerns, by organisation and by person, whatever the case
and spacing of the names, with what the partnership's rule asks of them."""

import pytest

from declarations.models import ManagementAction
from meetings import selectors

from .conftest import OUTSIDE_EMPLOYMENT, accept, add_item, declare

pytestmark = pytest.mark.django_db


def conflicts(meeting):
    return {
        record.item.number: [(conflict.attendee.username, conflict.required) for conflict in record.conflicts]
        for record in selectors.meeting_record(meeting)
    }


def test_an_interest_in_an_organisation_an_item_concerns_is_listed(meeting, cara, alice, acme):
    declaration = declare(alice, counterparty_organisation=acme, **OUTSIDE_EMPLOYMENT)
    add_item(meeting, cara, organisations=["  acme   HEALTH supplies "])
    add_item(meeting, cara, "Carers' strategy", organisations=["Carers Together"])
    assert conflicts(meeting) == {1: [("alice", "left_room")], 2: []}
    (record, _) = selectors.meeting_record(meeting)
    assert record.conflicts[0].declarations == [declaration]


def test_an_organisation_named_only_by_name_matches_whatever_its_case_and_spacing(meeting, cara, bob):
    declare(bob, counterparty_name="Northgate  Pharmacy Ltd", kind="professional", situation="other", value=None)
    add_item(meeting, cara, organisations=["NORTHGATE pharmacy   ltd"])
    assert conflicts(meeting) == {1: [("bob", "stayed_not_voting")]}


def test_an_interest_in_a_person_an_item_concerns_is_listed(meeting, cara, bob):
    declare(bob, counterparty_name="Dr Jane   Smith", kind="personal", situation="other", value=None)
    add_item(meeting, cara, "Appointment of the clinical lead", people=["dr jane smith"])
    assert conflicts(meeting) == {1: [("bob", "stayed_not_voting")]}


def test_a_programme_manager_who_is_not_a_partner_is_matched_too(meeting, cara, priya, acme):
    declare(priya, counterparty_organisation=acme, kind="personal", situation="other", value=None)
    add_item(meeting, cara, organisations=["Acme Health Supplies"])
    assert conflicts(meeting) == {1: [("priya", "stayed_not_voting")]}


def test_interests_that_no_longer_stand_are_not_listed(meeting, cara, alice, bob, acme, rita):
    # Accepted with no exclusion from decisions: managed, so no conflict.
    accept(declare(alice, counterparty_organisation=acme), rita)
    add_item(meeting, cara, organisations=["Acme Health Supplies"], people=["Someone Else"])
    assert conflicts(meeting) == {1: []}
    # Accepted on condition that he is excluded: listed.
    accept(declare(bob, counterparty_organisation=acme), rita, (ManagementAction.Kind.EXCLUDED_FROM_DECISIONS, ""))
    assert conflicts(meeting) == {1: [("bob", "left_room")]}


def test_someone_who_does_not_attend_is_not_listed(meeting, cara, charlie, acme):
    declare(charlie, counterparty_organisation=acme)
    add_item(meeting, cara, organisations=["Acme Health Supplies"])
    assert conflicts(meeting) == {1: []}


def test_the_strictest_rule_of_several_interests_applies(meeting, cara, alice, acme):
    declare(alice, counterparty_organisation=acme, kind="personal", situation="other", value=None)
    declare(alice, counterparty_name="Jo Bloggs", **OUTSIDE_EMPLOYMENT)
    add_item(meeting, cara, organisations=["Acme Health Supplies"], people=["Jo Bloggs"])
    (record,) = selectors.meeting_record(meeting)
    (conflict,) = record.conflicts
    assert conflict.required == "left_room" and len(conflict.declarations) == 2


def test_the_chair_sees_the_list_on_the_meeting_page(client, meeting, cara, alice, acme):
    declare(alice, counterparty_organisation=acme, **OUTSIDE_EMPLOYMENT)
    add_item(meeting, cara, organisations=["Acme Health Supplies"])
    client.force_login(cara)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "1 conflict of interest on 1 item" in page
    assert "Alice Adams" in page and "Financial interest: outside employment concerning Acme Health Supplies" in page
    assert "Left the room for the item" in page
    assert 'Record what happened<span class="govuk-visually-hidden"> to Alice Adams for item 1' in page
