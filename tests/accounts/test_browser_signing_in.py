"""In Chromium: a programme manager sets up an authenticator and is asked for its code at the
next sign-in; a person signs in through a real OpenID provider; an invited partner sets a
password from the email and signs the partnership's code. Each new page passes axe, and the
second-factor pages work from the keyboard alone."""

import re
import time
from base64 import b32decode

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts import services as account_services
from conduct import services
from conduct.models import Signature
from tests.browser import assert_accessible, log_out, tab_to
from tests.conftest import configure_work_accounts, oidc_provider_running

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_key(base32_key: str, *, later: int = 0) -> str:
    """What an authenticator app given this key shows now (or `later` steps of 30 s from now)."""
    totp = TOTP(b32decode(base32_key.replace(" ", "")))
    totp.time = time.time() + 30 * later
    return f"{totp.token():06d}"


def test_a_programme_manager_enrols_an_authenticator_and_is_asked_for_a_code_at_the_next_sign_in(
    page, live_server, static_built, priya
):
    page.goto(f"{live_server.url}/accounts/login/?next=/declarations/register/")
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)

    # A wrong code is refused with an error summary linked to the box.
    page.get_by_label("Enter the 6-digit code your app shows").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator("#secret-key").inner_text()
    page.get_by_label("Enter the 6-digit code your app shows").fill(code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert len(re.findall(r"[a-z0-9]{8}", page.locator("#recovery-codes").inner_text())) == 10
    assert_accessible(page)
    page.get_by_role("link", name="I have kept my recovery codes").click()
    expect(page.get_by_role("heading", name="Register of declarations")).to_be_visible()
    assert TOTPDevice.objects.filter(user=priya, confirmed=True).count() == 1
    log_out(page)

    # At the next sign-in, by keyboard alone: the code her app shows next (this one is used up).
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("priya")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    tab_to(page, page.get_by_label("Code from your authenticator app"))
    page.keyboard.type(code_from_key(key, later=1))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/two-factor/" not in url)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_a_person_signs_in_through_the_openid_provider(page, live_server, static_built, settings, alice):
    with oidc_provider_running(f"{live_server.url}/accounts/oidc/callback/") as issuer:
        configure_work_accounts(settings, issuer)
        page.goto(f"{live_server.url}/accounts/login/")
        assert_accessible(page)
        page.get_by_role("link", name="Sign in with your work account").click()
        expect(page.get_by_role("heading", name="Sign in to your work account")).to_be_visible()
        page.get_by_label("Email address").fill("alice@example.org")
        page.get_by_label("Password").fill("her work password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Your codes of conduct")).to_be_visible()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_an_invited_partner_sets_a_password_from_the_email_and_signs_the_code(
    page, live_server, static_built, settings, riverside, ada
):
    settings.SITE_URL = live_server.url
    nia = services.person_add(
        actor=ada,
        partnership=riverside.memberships.get().partnership,
        name="Nia Newman",
        email="nia@riverside.example.org",
        organisation=riverside,
    )
    account_services.invitation_send(user=nia, actor=ada)
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Choose a password").fill("a long walk by the river")
    page.get_by_label("Type the password again").fill("a long walk by the river")
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_text("Your password is set. You are signed in.")).to_be_visible()

    page.get_by_role("link", name="Read and sign the code – The Health Creation Alliance Code of Conduct").click()
    page.get_by_label("I have read this code of conduct and agree to follow it").check()
    page.get_by_label("Your full name").fill("Nia Newman")
    page.get_by_role("button", name="Sign the code").click()
    expect(page.locator("#integrity")).to_contain_text("Intact")
    assert Signature.objects.filter(partner__user=nia).count() == 1

    # The link works once.
    log_out(page)
    page.goto(link)
    expect(page.get_by_text("This invitation has been used already")).to_be_visible()
