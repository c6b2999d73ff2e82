"""An administrator resets the authenticator of someone who lost it, with a reason, in the
app: their devices and recovery codes go, audited; at their next sign-in they set up a new
one. Nobody resets their own, and the admin site offers no way round this.

ada administers everything; priya is the alliance's programme manager; alice is a partner
(here also a reviewer of declarations, so two-factor is required of her).
"""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from conduct.models import AuditEntry, PartnershipRole
from tests.conftest import authenticator_code, authenticator_for, force_login_without_second_factor
from tests.page_titles import page_title


@pytest.fixture
def reviewer_alice(alice, alliance):
    PartnershipRole.objects.create(
        user=alice.user, partnership=alliance, role=PartnershipRole.Role.DECLARATIONS_REVIEWER
    )
    authenticator_for(alice.user)
    services.recovery_codes_renew(user=alice.user)
    return alice


def reset_url(partnership, partner) -> str:
    return f"/manage/partnerships/{partnership.slug}/people/{partner.pk}/authenticator-reset/"


def test_an_administrator_resets_a_lost_authenticator_with_a_reason_and_it_must_be_set_up_again(
    client, ada, alliance, reviewer_alice
):
    client.force_login(ada)
    person_page = client.get(f"/manage/partnerships/{alliance.slug}/people/{reviewer_alice.pk}/").content.decode()
    assert reset_url(alliance, reviewer_alice) in person_page
    response = client.post(reset_url(alliance, reviewer_alice), {"reason": "Lost her phone; rang from her desk line"})
    assert response.status_code == 302
    assert response["Location"] == f"/manage/partnerships/{alliance.slug}/people/{reviewer_alice.pk}/"
    assert "authenticator is reset" in client.get(response["Location"]).content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer_alice.user).exists()
    assert not StaticDevice.objects.filter(user=reviewer_alice.user).exists()
    assert not StaticToken.objects.filter(device__user=reviewer_alice.user).exists()
    entry = AuditEntry.objects.get(action="two_factor.reset")
    assert entry.actor == ada and entry.subject_id == str(reviewer_alice.user.pk)
    assert entry.reason == "Lost her phone; rang from her desk line"
    client.logout()
    force_login_without_second_factor(client, reviewer_alice.user)
    assert client.get("/declarations/")["Location"] == "/accounts/two-factor/setup/?next=/declarations/"


def test_a_reset_without_a_reason_is_refused_and_removes_nothing(client, ada, alliance, reviewer_alice):
    client.force_login(ada)
    response = client.post(reset_url(alliance, reviewer_alice), {"reason": "  "})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Enter why you are resetting their authenticator" in html and 'href="#id_reason"' in html
    assert page_title(html) == f"Error: Reset {reviewer_alice.user.display_name}'s authenticator – Conduct"
    assert TOTPDevice.objects.filter(user=reviewer_alice.user).exists()
    assert not AuditEntry.objects.filter(action="two_factor.reset").exists()


def test_nobody_resets_their_own_authenticator(client, alliance, reviewer_alice):
    PartnershipRole.objects.create(
        user=reviewer_alice.user, partnership=alliance, role=PartnershipRole.Role.ADMINISTRATOR
    )
    client.force_login(reviewer_alice.user)
    person_page = client.get(f"/manage/partnerships/{alliance.slug}/people/{reviewer_alice.pk}/").content.decode()
    assert reset_url(alliance, reviewer_alice) not in person_page
    assert client.post(reset_url(alliance, reviewer_alice), {"reason": "mine"}).status_code == 403
    with pytest.raises(services.TwoFactorError):
        services.authenticator_reset(
            user=reviewer_alice.user, actor=reviewer_alice.user, partnership=alliance, reason="x"
        )
    assert TOTPDevice.objects.filter(user=reviewer_alice.user).exists()


def test_a_programme_manager_cannot_reset_an_authenticator(client, priya, alliance, reviewer_alice):
    client.force_login(priya)
    assert client.post(reset_url(alliance, reviewer_alice), {"reason": "asked me"}).status_code == 403
    assert TOTPDevice.objects.filter(user=reviewer_alice.user).exists()


@pytest.mark.parametrize("path", ["/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"])
def test_the_admin_site_has_no_pages_for_second_factors(client, ada, path):
    client.force_login(ada)
    assert client.get(path).status_code == 404


def signed_in_and_verified(alice, code: str) -> Client:
    """alice's own browser: signed in, and past the code page with `code` as a person would be."""
    browser = Client()
    force_login_without_second_factor(browser, alice.user)
    response = browser.post("/accounts/two-factor/verify/?next=/declarations/", {"code": code})
    assert response["Location"] == "/declarations/"
    assert browser.get("/declarations/").status_code == 200
    return browser


@pytest.mark.parametrize("second_factor", ["authenticator", "recovery code"])
def test_a_reset_ends_the_second_factor_of_a_session_already_open(client, ada, alliance, reviewer_alice, second_factor):
    code = (
        authenticator_code(authenticator_for(reviewer_alice.user))
        if second_factor == "authenticator"
        else StaticToken.objects.filter(device__user=reviewer_alice.user).first().token
    )
    alices_browser = signed_in_and_verified(reviewer_alice, code)

    client.force_login(ada)
    client.post(reset_url(alliance, reviewer_alice), {"reason": "Lost her phone"})

    # Still signed in in her open session, but sent to set up a new authenticator before any page opens.
    assert alices_browser.get("/declarations/")["Location"] == "/accounts/two-factor/setup/?next=/declarations/"
    assert alices_browser.get("/accounts/two-factor/verify/")["Location"].startswith("/accounts/two-factor/setup/")

    # Once she has set up a new authenticator on another computer, the open session is asked for its code.
    key = "3132333435363738393031323334353637383931"
    services.authenticator_enrol(user=reviewer_alice.user, key=key, code=authenticator_code(TOTPDevice(key=key)))
    assert alices_browser.get("/declarations/")["Location"] == "/accounts/two-factor/verify/?next=/declarations/"


def test_a_partner_whose_authenticator_was_reset_is_no_longer_verified_in_an_open_session(client, ada, alliance, alice):
    """A partner's two-factor is their choice: after a reset their open session goes on without a
    second factor (they have none), and is not taken as having given one."""
    code = authenticator_code(authenticator_for(alice.user))
    alices_browser = signed_in_and_verified(alice, code)
    client.force_login(ada)
    client.post(reset_url(alliance, alice), {"reason": "Lost her phone"})
    page = alices_browser.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert "You sign in with your password only" in page.content.decode()
    assert not page.wsgi_request.user.is_verified()
