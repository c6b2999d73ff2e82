"""Declaring and reviewing by keyboard alone (Tab, Shift+Tab, Enter, Space and the arrow
keys; no mouse), with axe-core on every page reached where scripts run: a nil declaration;
a gift declared, with a mistake put right from the error summary; and a reviewer who
accepts one declaration and returns another with a question. The last two run once with
JavaScript on and once with it off."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from declarations.models import Declaration
from tests.browser import (
    assert_accessible,
    assert_focus_visible,
    choose_radio_by_keyboard,
    expect_success,
    fix_from_the_error_summary,
    follow,
    log_in_by_keyboard,
    tab_to,
    type_into,
)
from tests.declarations.conftest import declare

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _today():
    """The live server runs on the real clock, not the frozen one of the other tests."""


def continue_by_keyboard(page, *, to: str, check) -> None:
    follow(page, page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", name=to)).to_be_visible()
    check(page)


def test_a_nil_declaration_by_keyboard_alone(page, live_server, static_built, alice):
    log_in_by_keyboard(page, live_server, "alice")
    expect(page.get_by_role("heading", name="Your codes of conduct")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Declare an interest, or that you have none"))
    page.keyboard.press("Enter")
    choose_radio_by_keyboard(page, page.get_by_role("radio", name=re.compile("^I have no interests")))
    tab_to(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Submit declaration"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Submitted").first).to_be_visible()
    declaration = Declaration.objects.get(partner=alice)
    assert declaration.status == "submitted" and declaration.revision.is_nil


def test_a_gift_is_declared_by_keyboard(page_with_or_without_javascript, javascript, live_server, static_built, alice):
    page = page_with_or_without_javascript
    check = assert_accessible if javascript else assert_focus_visible
    received = timezone.localdate() - datetime.timedelta(days=3)

    log_in_by_keyboard(page, live_server, "alice")
    expect(page.get_by_role("heading", name="Your codes of conduct")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("link", name="Declare an interest, or that you have none"))
    expect(page.get_by_role("heading", name="Make a declaration of interests")).to_be_visible()
    check(page)
    choose_radio_by_keyboard(page, page.get_by_label("I have an interest to declare"))
    continue_by_keyboard(page, to="What kind of interest is it?", check=check)
    choose_radio_by_keyboard(page, page.get_by_label("Financial"))
    continue_by_keyboard(page, to="What is the interest?", check=check)
    choose_radio_by_keyboard(page, page.get_by_label("Gift", exact=True))
    continue_by_keyboard(page, to="Who does the interest concern?", check=check)
    type_into(page, page.get_by_label("Name of the organisation or person"), "Acme Health Supplies")
    continue_by_keyboard(page, to="About the gift", check=check)

    type_into(page, page.get_by_label("Describe the interest"), "A hamper of fruit and wine")
    arose = page.get_by_role("group", name="When did the interest arise?")
    type_into(page, arose.get_by_label("Day"), str(received.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(received.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(received.year))
    type_into(page, page.get_by_label("Estimated value in pounds"), "-60")
    choose_radio_by_keyboard(
        page, page.get_by_role("group", name="Is it from a supplier or contractor?").get_by_label("No")
    )
    choose_radio_by_keyboard(page, page.get_by_role("group", name="Was it cash or vouchers?").get_by_label("No"))
    choose_radio_by_keyboard(
        page, page.get_by_role("group", name="Did you accept or decline it?").get_by_label("Accepted")
    )
    follow(page, page.get_by_role("button", name="Continue"))
    # The negative value is put right from the error summary; nothing typed is lost.
    fix_from_the_error_summary(
        page,
        "The estimated value cannot be negative",
        page.get_by_label("Estimated value in pounds"),
        javascript=javascript,
        check=check,
    )
    expect(page.get_by_label("Describe the interest")).to_have_value("A hamper of fruit and wine")
    expect(arose.get_by_label("Year")).to_have_value(str(received.year))
    page.keyboard.press("Control+A")
    page.keyboard.type("60")
    continue_by_keyboard(page, to="Check your declaration before submitting it", check=check)
    expect(page.get_by_text("£60.00")).to_be_visible()

    follow(page, page.get_by_role("button", name="Submit declaration"))
    expect_success(page, "Your declaration has been submitted for review.", javascript=javascript)
    check(page)
    declaration = Declaration.objects.get(partner=alice)
    assert (declaration.status, declaration.revision.situation, declaration.revision.value) == ("submitted", "gift", 60)


def review_by_keyboard(page, summary: str, *, check) -> None:
    """From anywhere, through the list of declarations waiting for review, to the review of one."""
    follow(page, page.get_by_role("link", name="Declarations", exact=True))
    expect(page.get_by_role("heading", name="Declarations of interest")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("link", name="Declarations waiting for review"))
    expect(page.get_by_role("heading", name="Register of declarations")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("link", name=summary))
    expect(page.get_by_role("heading", name=summary)).to_be_visible()
    check(page)
    follow(page, page.get_by_role("link", name="Review this declaration"))
    expect(page.get_by_role("heading", name="Review the declaration")).to_be_visible()
    check(page)


def test_a_reviewer_accepts_one_declaration_and_returns_another_by_keyboard(
    page_with_or_without_javascript, javascript, live_server, static_built, alice, bob, rita
):
    page = page_with_or_without_javascript
    check = assert_accessible if javascript else assert_focus_visible
    gift = declare(alice)
    hospitality = declare(
        bob, situation="hospitality", counterparty_name="Northern Catering", description="Dinner after a supplier day"
    )

    log_in_by_keyboard(page, live_server, "rita")
    check(page)
    review_by_keyboard(page, "Financial interest: gift concerning Acme Health Supplies", check=check)
    choose_radio_by_keyboard(page, page.get_by_label("Accept: no conflict to manage"))
    follow(page, page.get_by_role("button", name="Record the decision"))
    expect_success(page, "The declaration has been accepted.", javascript=javascript)
    check(page)

    review_by_keyboard(page, "Financial interest: hospitality concerning Northern Catering", check=check)
    choose_radio_by_keyboard(page, page.get_by_label("Return it to the partner with a question"))
    follow(page, page.get_by_role("button", name="Record the decision"))  # without the question
    question = page.get_by_label("Your question for the partner, or a note about your decision")
    fix_from_the_error_summary(
        page, "Enter your question for the partner", question, javascript=javascript, check=check
    )
    expect(page.get_by_label("Return it to the partner with a question")).to_be_checked()
    page.keyboard.type("Was the dinner before or after the contract was awarded?")
    follow(page, page.get_by_role("button", name="Record the decision"))
    expect_success(
        page, "The declaration has been returned to its declarant with your question.", javascript=javascript
    )
    check(page)

    gift.refresh_from_db()
    hospitality.refresh_from_db()
    assert (gift.status, hospitality.status) == ("accepted", "returned")
    assert hospitality.events.last().note == "Was the dinner before or after the contract was awarded?"
