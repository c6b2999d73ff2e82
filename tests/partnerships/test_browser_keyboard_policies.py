"""By keyboard alone, with JavaScript on and off: an administrator mistypes a partnership's
gift threshold, follows the error summary to the box, puts it right and saves; a programme
manager sets up an authenticator app. axe-core passes on each page where scripts run."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from declarations.selectors import policy_for
from tests.browser import (
    assert_accessible,
    expect_success,
    fix_from_the_error_summary,
    log_in_by_keyboard,
    tab_to,
    type_into,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_sets_the_policies_by_keyboard(
    page_with_or_without_javascript, javascript, live_server, static_built, alliance, ada
):
    page = page_with_or_without_javascript
    log_in_by_keyboard(page, live_server, "ada")
    page.goto(f"{live_server.url}/manage/partnerships/{alliance.slug}/policies/")
    if javascript:
        assert_accessible(page)
    threshold = page.get_by_label("Gift threshold (£)")
    type_into(page, threshold, "lots")
    tab_to(page, page.get_by_role("button", name="Save the policies"))
    page.keyboard.press("Enter")

    def accessible(page):
        if javascript:
            assert_accessible(page)

    fix_from_the_error_summary(
        page, "Gift threshold (£) must be a number", threshold, javascript=javascript, check=accessible
    )
    page.keyboard.press("Control+A")
    page.keyboard.type("40")
    tab_to(page, page.get_by_role("button", name="Save the policies"))
    page.keyboard.press("Enter")
    expect_success(page, "The policies are saved.", javascript=javascript)
    assert str(policy_for(alliance).gift_threshold) == "40.00"


def test_a_programme_manager_sets_up_an_authenticator_by_keyboard(
    page_with_or_without_javascript, javascript, live_server, static_built, priya
):
    page = page_with_or_without_javascript
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("priya")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    if javascript:
        assert_accessible(page)
    tab_to(page, page.locator("summary", has_text="I cannot scan the QR code"))
    page.keyboard.press("Enter")
    key = page.locator("#secret-key").inner_text()
    code = f"{TOTP(b32decode(key.replace(' ', ''))).token():06d}"
    tab_to(page, page.get_by_label("Enter the 6-digit code your app shows"))
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    if javascript:
        assert_accessible(page)
    tab_to(page, page.get_by_role("link", name="I have kept my recovery codes"))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/two-factor/" not in url)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
