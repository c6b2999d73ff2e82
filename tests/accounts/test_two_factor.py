"""Two-factor authentication: required of everyone with power over other people's records
before any page opens to them; partners may turn it on; a wrong code is refused; each
recovery code works once.

priya is the alliance's programme manager; ada is an administrator; alice is a partner.
"""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conduct.models import AuditEntry, PartnershipRole
from tests.conftest import authenticator_code, authenticator_for, force_login_without_second_factor, make_user
from tests.page_titles import page_title

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"
REGISTER = "/declarations/register/"


@pytest.fixture(autouse=True)
def _no_waiting_between_codes(settings):
    # django-otp makes each device wait longer after every wrong code; these tests type a
    # wrong code and then the right one straight away.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def log_in_with_password(client, user):
    force_login_without_second_factor(client, user)


def code_for_key(key_hex: str) -> str:
    device = TOTPDevice(key=key_hex)
    return f"{TOTP(device.bin_key).token():06d}"


def enrol(client, next_url: str = "/") -> list[str]:
    client.get(f"{SETUP}?next={next_url}")
    key = client.session["conduct_two_factor_setup_key"]
    response = client.post(SETUP, {"code": code_for_key(key), "next": next_url})
    assert response.status_code == 302
    page = client.get(response["Location"])
    return re.findall(r"<code>([a-z0-9]+)</code>", page.content.decode())


@pytest.mark.parametrize("role", [role for role, _ in PartnershipRole.Role.choices])
def test_everyone_with_a_role_is_sent_to_set_up_an_authenticator_before_any_page_opens(client, alliance, role):
    person = make_user("rosa", "Rosa", "Role")
    PartnershipRole.objects.create(user=person, partnership=alliance, role=role)
    log_in_with_password(client, person)
    for url in ["/", REGISTER, "/manage/partnerships/", "/breaches/cases/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{SETUP}?next={url}"


def test_an_administrator_is_sent_to_set_up_an_authenticator_even_for_the_admin(client, ada):
    log_in_with_password(client, ada)
    assert client.get("/admin/").url.startswith(SETUP)


def test_a_programme_manager_enrols_sees_recovery_codes_once_and_the_page_opens(client, priya):
    log_in_with_password(client, priya)
    setup = client.get(f"{SETUP}?next={REGISTER}")
    html = setup.content.decode()
    assert setup.status_code == 200 and "<svg" in html and "QR code for your authenticator app" in html
    codes = enrol(client, REGISTER)
    assert len(codes) == 10
    assert client.get("/accounts/two-factor/recovery-codes/").status_code == 302  # shown once only
    assert client.get(REGISTER).status_code == 200
    assert AuditEntry.objects.filter(action="two_factor.enrolled", actor=priya).exists()


def test_a_wrong_code_while_enrolling_is_an_error_and_sets_nothing_up(client, priya):
    log_in_with_password(client, priya)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "The code is not right: enter the 6 digits your authenticator app shows now" in html
    assert 'href="#id_code"' in html
    assert not TOTPDevice.objects.filter(user=priya).exists()
    assert client.get(REGISTER).status_code == 302


def test_at_the_next_sign_in_a_programme_manager_is_asked_for_a_code_and_a_wrong_one_is_refused(client, priya):
    device = authenticator_for(priya)
    log_in_with_password(client, priya)
    assert client.get(REGISTER)["Location"] == f"{VERIFY}?next={REGISTER}"
    wrong = client.post(VERIFY, {"code": "123456", "next": REGISTER})
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    assert client.get(REGISTER).status_code == 302
    right = client.post(VERIFY, {"code": authenticator_code(device), "next": REGISTER})
    assert right.status_code == 302 and right["Location"] == REGISTER
    assert client.get(REGISTER).status_code == 200


def test_the_same_authenticator_code_cannot_be_used_twice(client, priya):
    device = authenticator_for(priya)
    code = authenticator_code(device)
    log_in_with_password(client, priya)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.logout()
    log_in_with_password(client, priya)
    assert "The code is not right" in client.post(VERIFY, {"code": code}).content.decode()


def test_a_recovery_code_works_once(client, priya):
    log_in_with_password(client, priya)
    codes = enrol(client)
    client.logout()
    log_in_with_password(client, priya)
    response = client.post(VERIFY, {"code": codes[0], "next": REGISTER})
    assert response.status_code == 302 and response["Location"] == REGISTER
    assert client.get(REGISTER).status_code == 200
    assert StaticToken.objects.filter(device__user=priya).count() == 9
    assert AuditEntry.objects.filter(action="two_factor.recovery_code_used").count() == 1
    client.logout()
    log_in_with_password(client, priya)
    assert "The code is not right" in client.post(VERIFY, {"code": codes[0]}).content.decode()
    assert client.get(REGISTER).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, priya):
    log_in_with_password(client, priya)
    old = enrol(client)
    response = client.post("/accounts/two-factor/")
    new = re.findall(r"<code>([a-z0-9]+)</code>", client.get(response["Location"]).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    client.logout()
    log_in_with_password(client, priya)
    assert "The code is not right" in client.post(VERIFY, {"code": old[1]}).content.decode()
    assert client.post(VERIFY, {"code": new[1]}).status_code == 302


def test_a_partner_need_not_use_a_second_factor(client, alice):
    log_in_with_password(client, alice.user)
    assert client.get("/").status_code == 200
    assert client.get("/declarations/").status_code == 200
    assert "Set up an authenticator app" in client.get("/accounts/two-factor/").content.decode()


def test_a_partner_who_turns_it_on_is_asked_for_a_code_at_the_next_sign_in(client, alice):
    log_in_with_password(client, alice.user)
    client.get("/")
    enrol(client)
    assert client.get("/declarations/").status_code == 200
    client.logout()
    log_in_with_password(client, alice.user)
    assert client.get("/declarations/")["Location"].startswith(VERIFY)


def test_the_next_page_after_a_code_stays_on_this_site(client, priya):
    device = authenticator_for(priya)
    log_in_with_password(client, priya)
    response = client.post(VERIFY, {"code": authenticator_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_signing_in_and_out_need_no_second_factor(client, priya):
    log_in_with_password(client, priya)
    assert client.get("/accounts/login/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


TWO_FACTOR = "/accounts/two-factor/"


def test_a_partner_turns_two_factor_off_with_a_current_code_and_signs_in_with_a_password_only(client, alice):
    log_in_with_password(client, alice.user)
    client.get("/")
    enrol(client)
    code = authenticator_code(authenticator_for(alice.user))
    response = client.post(TWO_FACTOR, {"action": "turn-off", "code": code})
    assert response.status_code == 302 and response["Location"] == TWO_FACTOR
    page = client.get(TWO_FACTOR).content.decode()
    assert "Two-factor authentication is off" in page and "Set up an authenticator app" in page
    assert not TOTPDevice.objects.filter(user=alice.user).exists()
    assert not StaticToken.objects.filter(device__user=alice.user).exists()
    assert AuditEntry.objects.filter(action="two_factor.turned_off", actor=alice.user).exists()
    client.logout()
    log_in_with_password(client, alice.user)
    assert client.get("/declarations/").status_code == 200


def test_a_wrong_code_does_not_turn_two_factor_off(client, alice):
    log_in_with_password(client, alice.user)
    client.get("/")
    enrol(client)
    response = client.post(TWO_FACTOR, {"action": "turn-off", "code": "000000"})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html and "The code is not right" in html
    assert 'href="#id_code"' in html
    assert page_title(html) == "Error: Two-factor authentication – Conduct"  # "Error: " once
    assert TOTPDevice.objects.filter(user=alice.user).exists()
    assert not AuditEntry.objects.filter(action="two_factor.turned_off").exists()


def test_someone_whose_role_requires_two_factor_cannot_turn_it_off(client, priya):
    log_in_with_password(client, priya)
    enrol(client)
    page = client.get(TWO_FACTOR).content.decode()
    assert "requires two-factor authentication, so you cannot turn it off" in page
    assert "Turn off two-factor</button>" not in page
    code = authenticator_code(authenticator_for(priya))
    response = client.post(TWO_FACTOR, {"action": "turn-off", "code": code})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Your role needs two-factor authentication, so you cannot turn it off" in html
    assert TOTPDevice.objects.filter(user=priya).exists()
