"""The signing journey works by keyboard alone and with JavaScript turned off."""

import pytest
from playwright.sync_api import expect

from conduct.models import Signature
from tests.browser import log_in, log_in_by_keyboard, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_signs_by_keyboard_alone(page, live_server, static_built, alice):
    log_in_by_keyboard(page, live_server, "alice")
    expect(page.get_by_role("heading", name="Your codes of conduct")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Read and sign the code – The Health Creation Alliance Code of Conduct"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Read and sign the code of conduct")).to_be_visible()
    tab_to(page, page.get_by_label("I have read this code of conduct and agree to follow it"))
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("Alice Adams")
    tab_to(page, page.get_by_role("button", name="Sign the code"))
    page.keyboard.press("Enter")
    expect(page.locator("#integrity")).to_contain_text("Intact")
    assert Signature.objects.get(partner=alice).typed_name == "Alice Adams"


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(page, live_server, static_built, db):
    page.goto(f"{live_server.url}/codes/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_partner_signs_and_compares_versions_without_javascript(page_without_javascript, live_server, static_built, alice):
    page = page_without_javascript
    log_in(page, live_server, "alice")
    page.get_by_role("link", name="Read and sign the code – The Health Creation Alliance Code of Conduct").click()
    page.get_by_role("button", name="Sign the code").click()
    expect(page.get_by_role("link", name="Confirm that you have read the code and agree to follow it")).to_be_visible()
    page.get_by_label("I have read this code of conduct and agree to follow it").check()
    page.get_by_role("button", name="Sign the code").click()
    expect(page.locator("#integrity")).to_contain_text("Intact")

    page.goto(f"{live_server.url}/codes/health-creation-alliance/changes/")
    page.get_by_label("Earlier version").select_option("1")
    page.get_by_label("Later version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("ins", has_text="Reciprocity")).to_be_visible()
