"""A partner makes a nil declaration by keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from declarations.models import Declaration
from tests.browser import choose_radio_by_keyboard, log_in_by_keyboard, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
