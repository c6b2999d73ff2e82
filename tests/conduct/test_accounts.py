"""Logging in and out, and setting a new password by email."""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail

from conduct.models import User

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
RESET = "/accounts/password-reset/"
PASSWORD = "correct horse battery"

pytestmark = pytest.mark.django_db


def logged_in_user(client):
    response = client.get("/")
    return response.wsgi_request.user


def test_a_partner_logs_in_with_the_form(client, alice):
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert "Username" in page.content.decode()

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user(client) == alice.user
    assert "Your codes of conduct" in client.get("/").content.decode()


def test_logging_in_returns_to_the_page_asked_for(client, alice):
    sign_page = "/codes/health-creation-alliance/versions/2/sign/"
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": sign_page})
    assert response.status_code == 302 and response["Location"] == sign_page


def test_a_wrong_password_shows_an_error_summary(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "wrong horse battery"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert "Please enter a correct" in html
    assert 'value="alice"' in html  # the username is kept
    assert not logged_in_user(client).is_authenticated


def test_an_empty_login_form_shows_what_is_missing(client, db):
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert html.count("This field is required.") >= 2


def test_logging_out_takes_a_post(client, alice):
    client.force_login(alice.user)
    html = client.get("/").content.decode()
    assert f'action="{LOGOUT}"' in html and "Log out" in html

    assert client.get(LOGOUT).status_code == 405
    assert logged_in_user(client).is_authenticated

    response = client.post(LOGOUT)
    assert response.status_code == 302 and response["Location"] == "/"
    assert not logged_in_user(client).is_authenticated
    assert "Log in" in client.get("/").content.decode()


def ask_for_reset(client, email: str, capture):
    """The email goes after the response, once the request's transaction commits."""
    with capture(execute=True):
        return client.post(RESET, {"email": email})


def test_a_forgotten_password_can_be_reset_by_email(client, alice, django_capture_on_commit_callbacks):
    response = ask_for_reset(client, "alice@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert "Check your email" in client.get(response["Location"]).content.decode()

    (email,) = mail.outbox
    assert email.to == ["alice@example.org"]
    assert email.subject == "Reset your Conduct password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/\S+/)", email.body).group(1)
    html_part, _ = email.alternatives[0]
    assert f"http://testserver{link}" in html_part

    # The link in the email sets the token in the session and leads to the form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Set a new password" in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    assert form_url.endswith("/set-password/")

    done = client.post(
        form_url, {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}, follow=True
    )
    assert done.status_code == 200
    assert "Your password has been changed" in done.content.decode()

    alice.user.refresh_from_db()
    assert alice.user.check_password("a brand new passphrase")
    assert not alice.user.check_password(PASSWORD)
    client.logout()
    assert client.post(LOGIN, {"username": "alice", "password": "a brand new passphrase"}).status_code == 302


def test_a_password_reset_link_works_only_once(client, alice, django_capture_on_commit_callbacks):
    ask_for_reset(client, "alice@example.org", django_capture_on_commit_callbacks)
    link = re.search(r"http://testserver(/accounts/reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"})

    again = client.get(link, follow=True)
    assert "This link has expired" in again.content.decode()


def test_a_weak_new_password_is_refused(client, alice, django_capture_on_commit_callbacks):
    ask_for_reset(client, "alice@example.org", django_capture_on_commit_callbacks)
    link = re.search(r"http://testserver(/accounts/reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "This password is too short" in html
    assert User.objects.get(pk=alice.user.pk).check_password(PASSWORD)


def test_a_reset_for_an_unknown_address_sends_nothing_but_says_the_same(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


class _FormNesting(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = self.deepest = self.forms = 0

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.forms += 1
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


@pytest.mark.parametrize("data", [None, {"username": "alice", "password": "wrong horse battery"}])
def test_the_login_page_has_no_form_inside_a_form(client, alice, data):
    page = client.post(LOGIN, data) if data else client.get(LOGIN + "?next=/codes/")
    nesting = _FormNesting()
    nesting.feed(page.content.decode())
    assert nesting.forms >= 1 and nesting.deepest == 1
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html and 'name="username"' in html and 'name="next"' in html


def test_a_page_showing_form_errors_titles_itself_error_first(client, alice):
    assert "<title>Log in – Conduct</title>" in client.get(LOGIN).content.decode()
    page = client.post(LOGIN, {"username": "alice", "password": "wrong horse battery"}).content.decode()
    assert "<title>Error: Log in – Conduct</title>" in page
