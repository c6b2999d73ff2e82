"""In Chromium, with axe on each page: a partner who turned two-factor on turns it off with a
code from her app; an administrator resets the lost authenticator of a reviewer, who is sent
to set up a new one in the session she already had open and again at her next sign-in.

alice is a partner (in the second journey also a reviewer of declarations, so two-factor is
required of her); ada administers everything."""

import pytest
from playwright.sync_api import expect

from conduct.models import AuditEntry, PartnershipRole
from tests.accounts.test_browser_signing_in import code_from_key
from tests.browser import assert_accessible, log_in, log_out
from tests.conftest import authenticator_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_turns_two_factor_on_and_then_off(page, live_server, static_built, alice):
    log_in(page, live_server, "alice")
    page.get_by_role("link", name="Two-factor").click()
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator("#secret-key").inner_text()
    page.get_by_label("Enter the 6-digit code your app shows").fill(code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="I have kept my recovery codes").click()

    page.get_by_role("link", name="Two-factor").click()
    expect(page.get_by_role("heading", name="Turn off two-factor authentication")).to_be_visible()
    assert_accessible(page)

    # A wrong code turns nothing off: an error summary linked to the box.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Turn off two-factor").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    summary.get_by_role("link", name="The code is not right").click()
    expect(page.get_by_label("Code from your authenticator app")).to_be_focused()
    assert_accessible(page)

    # The code her app shows next (the one she enrolled with is used up).
    page.get_by_label("Code from your authenticator app").fill(code_from_key(key, later=1))
    page.get_by_role("button", name="Turn off two-factor").click()
    expect(page.get_by_text("Two-factor authentication is off. You sign in with your password only.")).to_be_visible()
    expect(page.get_by_role("link", name="Set up an authenticator app")).to_be_visible()
    assert_accessible(page)
    assert AuditEntry.objects.filter(action="two_factor.turned_off", subject_id=str(alice.user.pk)).exists()

    # Her next sign-in asks for her password only.
    log_out(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert "/two-factor/" not in page.url


def test_an_administrator_resets_a_lost_authenticator_and_the_person_must_set_up_a_new_one(
    browser, page, live_server, static_built, alliance, alice, ada
):
    PartnershipRole.objects.create(
        user=alice.user, partnership=alliance, role=PartnershipRole.Role.DECLARATIONS_REVIEWER
    )
    authenticator_for(alice.user)
    # Alice is signed in, code given, on her own computer.
    alices_context = browser.new_context(bypass_csp=True)
    alices_context.set_default_timeout(15_000)
    alices_page = alices_context.new_page()
    log_in(alices_page, live_server, "alice")
    alices_page.goto(f"{live_server.url}/declarations/")
    assert "/two-factor/" not in alices_page.url

    log_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/manage/partnerships/{alliance.slug}/people/{alice.pk}/")
    page.get_by_role("link", name="Reset Alice Adams's authenticator").click()
    expect(page.get_by_role("heading", name="Reset Alice Adams's authenticator")).to_be_visible()
    assert_accessible(page)

    # A reason is required: it goes in the audit log.
    page.get_by_role("button", name="Reset their authenticator").click()
    expect(page.get_by_role("alert").get_by_text("Enter why you are resetting their authenticator")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why are you resetting their authenticator?").fill("Lost her phone; rang from her desk line")
    page.get_by_role("button", name="Reset their authenticator").click()
    expect(page.get_by_text("Alice Adams's authenticator is reset.")).to_be_visible()
    expect(page.get_by_text("Not set up")).to_be_visible()
    assert_accessible(page)
    entry = AuditEntry.objects.get(action="two_factor.reset", subject_id=str(alice.user.pk))
    assert entry.actor == ada and entry.reason == "Lost her phone; rang from her desk line"

    # The session she had open no longer counts as having given a code: she sets up a new authenticator.
    alices_page.reload()
    expect(alices_page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    assert_accessible(alices_page)
    # And so at her next sign-in.
    alices_page.get_by_role("button", name="Log out").click()
    alices_page.goto(f"{live_server.url}/accounts/login/")
    alices_page.get_by_label("Username").fill("alice")
    alices_page.get_by_label("Password").fill("correct horse battery")
    alices_page.get_by_role("button", name="Log in").click()
    expect(alices_page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    alices_context.close()
