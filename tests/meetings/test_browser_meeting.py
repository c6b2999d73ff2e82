"""By keyboard alone, with JavaScript on (axe-core on every page) and off: the chair prepares a
meeting, sees a conflict in the list, records that the member left the room for that item,
records the decision, publishes the record, and the public record shows it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting
from tests.browser import (
    assert_accessible,
    assert_focus_visible,
    choose_radio_by_keyboard,
    follow,
    log_in_by_keyboard,
    type_into,
)
from tests.declarations.conftest import declare

from .conftest import OUTSIDE_EMPLOYMENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _today():
    """The live server runs on the real clock, not the frozen one of the other tests."""


def type_date(page, group_name: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=group_name)
    type_into(page, group.get_by_label("Day"), str(day.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.year))


def test_a_chair_prepares_a_meeting_handles_a_conflict_and_publishes_the_record(
    page_with_or_without_javascript, javascript, live_server, static_built, cara, alice, bob, acme
):
    page = page_with_or_without_javascript
    check = assert_accessible if javascript else assert_focus_visible
    declare(alice, counterparty_organisation=acme, arose_on=timezone.localdate(), **OUTSIDE_EMPLOYMENT)
    held_on = timezone.localdate() + datetime.timedelta(days=3)

    log_in_by_keyboard(page, live_server, "cara")
    follow(page, page.get_by_role("link", name="Meetings", exact=True))
    expect(page.get_by_role("heading", name="Meetings", exact=True)).to_be_visible()
    check(page)
    follow(page, page.get_by_role("link", name="Record a meeting"))
    expect(page.get_by_role("heading", name="Record a meeting")).to_be_visible()
    check(page)
    type_date(page, "Date of the meeting", held_on)
    type_into(page, page.get_by_label("Email address of the chair"), "cara@example.org")
    type_into(page, page.get_by_label("Email addresses of the people attending"), "alice@example.org\nbob@example.org")
    follow(page, page.get_by_role("button", name="Record the meeting"))
    # The purpose was left out: the error summary takes the chair to it, and nothing typed is lost.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the purpose of the meeting")
    check(page)
    follow(page, summary.get_by_role("link", name="Enter the purpose of the meeting"))
    expect(page.get_by_label("What is the meeting for?")).to_be_focused()
    expect(page.get_by_label("Email address of the chair")).to_have_value("cara@example.org")
    page.keyboard.type("To award the community transport contract.")
    follow(page, page.get_by_role("button", name="Record the meeting"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The meeting is recorded")
    check(page)

    follow(page, page.get_by_role("link", name="Add an item to the agenda"))
    expect(page.get_by_role("heading", name="Add an item to the agenda")).to_be_visible()
    check(page)
    type_into(page, page.get_by_label("Title of the item"), "Community transport contract")
    type_into(page, page.get_by_label("Organisations it concerns (optional)"), "acme health  supplies")
    choose_radio_by_keyboard(page, page.get_by_label("No, in public"))
    follow(page, page.get_by_role("button", name="Add the item"))

    # The conflicts list: alice's interest in Acme, and what the rule asks of her.
    expect(page.get_by_text("1 conflict of interest on 1 item")).to_be_visible()
    conflicts = page.get_by_role("region", name="Conflicts on item 1")
    expect(conflicts).to_contain_text("Alice Adams")
    expect(conflicts).to_contain_text("Financial interest: outside employment concerning Acme Health Supplies")
    expect(conflicts).to_contain_text("Left the room for the item")
    check(page)
    follow(page, page.get_by_role("link", name="Record what happened to Alice Adams for item 1"))
    expect(page.get_by_role("heading", name="What happened to Alice Adams's conflict?")).to_be_visible()
    check(page)
    choose_radio_by_keyboard(page, page.get_by_label("Left the room for the item"))
    follow(page, page.get_by_role("button", name="Record what happened"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Recorded what happened")
    check(page)

    follow(page, page.get_by_role("link", name="Record the decision on item 1"))
    expect(
        page.get_by_role("heading", name="Record the decision on Item 1: Community transport contract")
    ).to_be_visible()
    check(page)
    expect(page.get_by_label("Alice Adams")).not_to_be_checked()
    expect(page.get_by_label("Bob Brown")).to_be_checked()
    type_into(page, page.get_by_label("What was decided?"), "Awarded to Northfield Wellbeing Trust.")
    follow(page, page.get_by_role("button", name="Record the decision"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The decision on Item 1")
    check(page)

    follow(page, page.get_by_role("link", name="Publish the record"))
    expect(page.get_by_role("heading", name="Publish the record of the meeting")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("button", name="Publish the record"))
    expect(page.get_by_role("heading", name=f"Record of the meeting on {held_on.day} ")).to_be_visible()
    expect(page.get_by_text("Awarded to Northfield Wellbeing Trust.")).to_be_visible()
    expect(
        page.get_by_text(
            "Alice Adams declared an interest (Financial interest: outside employment concerning Acme Health "
            "Supplies): left the room for the item."
        )
    ).to_be_visible()
    check(page)
    meeting = Meeting.objects.get()
    assert meeting.status == "published"
    assert [user.username for user in meeting.items.get().decision.participants.order_by("username")] == [
        "bob",
        "cara",
    ]


def test_private_practice_declared_at_a_meeting_asks_for_its_permission_and_hours(
    page, live_server, static_built, cara, priya, alice, bob
):
    from meetings import services

    meeting = services.meeting_create(
        actor=priya,
        partnership=bob.organisation.memberships.get().partnership,
        held_on=timezone.localdate() + datetime.timedelta(days=3),
        purpose="To award the community transport contract.",
        chair=cara,
        attendees=[alice.user, bob.user],
    )
    log_in_by_keyboard(page, live_server, "cara")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/declarations/new/")
    page.get_by_label("Who is declaring?").select_option(label="Bob Brown")
    page.get_by_label("Financial").check()
    page.get_by_label("What is the interest?").select_option(label="Private practice")
    page.get_by_label("Which organisation or person does it concern?").fill("Acme Health Supplies")
    page.get_by_label("Describe the interest").fill("Runs a clinic the bidder refers patients to")
    arose = page.get_by_role("group", name="When did the interest arise?")
    arose.get_by_label("Day").fill("1")
    arose.get_by_label("Month").fill("1")
    arose.get_by_label("Year").fill("2024")
    page.get_by_label("Private practice: where?").fill("Harley Street")
    page.get_by_role("button", name="Record the declaration").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter who gave you permission")
    expect(summary).to_contain_text("Enter how many hours a week you practise")
    expect(page.get_by_label("Private practice: where?")).to_have_value("Harley Street")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter who gave you permission").click()
    expect(page.get_by_label("Who gave them permission?")).to_be_focused()
    page.keyboard.type("The medical director")
    given = page.get_by_role("group", name="When was permission given?")
    given.get_by_label("Day").fill("2")
    given.get_by_label("Month").fill("12")
    given.get_by_label("Year").fill("2023")
    page.get_by_label("Private practice: when?").fill("Saturday mornings")
    page.get_by_label("Private practice: how many hours a week?").fill("4")
    page.get_by_role("button", name="Record the declaration").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Bob Brown's declaration is on")
    assert_accessible(page)
