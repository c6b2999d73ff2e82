"""Signing in with a work account through a real OpenID provider (npm oidc-provider, started
by the tests): a person invited with that email address signs in; an unknown or unverified
email gets no account; a provider that says it used MFA is not second-guessed.

alice is a partner invited as alice@example.org; priya is the alliance's programme manager.
"""

from urllib.parse import urljoin

import pytest
import requests

from accounts import services as account_services
from accounts.models import Invitation
from conduct import services
from conduct.models import AuditEntry, User
from tests.conftest import authenticator_for

CALLBACK = "http://testserver/accounts/oidc/callback/"


def sign_in_through_provider(client, issuer: str, *, email: str, password: str = "correct horse", next_url="/"):
    """Start at Conduct, sign in on the provider's own page, and come back: the response to the callback."""
    response = client.get(f"/accounts/oidc/authenticate/?next={next_url}")
    assert response.status_code == 302 and response["Location"].startswith(f"{issuer}/auth?")
    browser = requests.Session()
    location = response["Location"]
    while not location.startswith(CALLBACK):
        answer = browser.get(location, allow_redirects=False, timeout=10)
        if answer.status_code == 200:
            assert "Sign in to your work account" in answer.text
            form_action = answer.text.split('action="')[1].split('"')[0]
            answer = browser.post(
                urljoin(issuer, form_action),
                data={"login": email, "password": password},
                allow_redirects=False,
                timeout=10,
            )
        assert answer.status_code in (302, 303), answer.text[:500]
        location = urljoin(location, answer.headers["Location"])
    return client.get(location.removeprefix("http://testserver"))


def test_the_log_in_page_offers_a_work_account_only_where_one_is_configured(client, oidc_provider, settings):
    assert "Sign in with your work account" in client.get("/accounts/login/").content.decode()
    settings.OIDC_RP_CLIENT_ID = ""
    assert "Sign in with your work account" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/oidc/authenticate/").status_code == 404


def test_an_invited_partner_signs_in_with_their_work_account(client, oidc_provider, riverside, ada):
    nia = services.person_add(
        actor=ada,
        partnership=riverside.memberships.get().partnership,
        name="Nia Newman",
        email="nia@riverside.example.org",
        organisation=riverside,
    )
    account_services.invitation_send(user=nia, actor=ada)
    response = sign_in_through_provider(
        client, oidc_provider, email="Nia@Riverside.example.org", next_url="/declarations/"
    )
    assert response.status_code == 302 and response["Location"] == "/declarations/"
    assert client.get("/declarations/").context["user"] == nia
    assert Invitation.objects.get(user=nia).accepted_at is not None
    assert AuditEntry.objects.filter(action="invitation.accepted", actor=nia).exists()


def test_an_unknown_email_gets_no_account(client, oidc_provider, alice):
    before = User.objects.count()
    response = sign_in_through_provider(client, oidc_provider, email="stranger@example.org")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert "gave no verified email address that Conduct knows" in page
    assert User.objects.count() == before
    assert not client.get("/declarations/").wsgi_request.user.is_authenticated


def test_an_email_the_provider_has_not_verified_gets_no_account(client, oidc_provider, db):
    User.objects.create_user(username="unverified", email="unverified@example.org")
    response = sign_in_through_provider(client, oidc_provider, email="unverified@example.org")
    assert response["Location"] == "/accounts/login/"
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_someone_who_has_left_cannot_sign_in_with_their_work_account(client, oidc_provider, alice):
    User.objects.filter(pk=alice.user.pk).update(is_active=False)
    response = sign_in_through_provider(client, oidc_provider, email="alice@example.org")
    assert response["Location"] == "/accounts/login/"


def test_a_programme_manager_whose_provider_used_mfa_is_not_asked_for_our_code(client, oidc_provider, priya):
    authenticator_for(priya)
    sign_in_through_provider(client, oidc_provider, email="priya@example.org", password="with-mfa")
    assert client.get("/declarations/register/").status_code == 200


def test_a_programme_manager_whose_provider_used_only_a_password_gives_our_code(client, oidc_provider, priya):
    authenticator_for(priya)
    sign_in_through_provider(client, oidc_provider, email="priya@example.org")
    response = client.get("/declarations/register/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/verify/")


@pytest.mark.parametrize("page", ["/accounts/oidc/authenticate/", "/accounts/oidc/callback/"])
def test_without_a_provider_the_work_account_pages_are_not_there(client, page, db):
    assert client.get(page).status_code == 404
