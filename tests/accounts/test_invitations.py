"""A person added by someone else is invited by email to set their own password: the link works
once, for 7 days, and only the newest link works. Nobody ever sets another person's password.

priya is the alliance's programme manager; riverside is one of its member organisations."""

import datetime
import re

import pytest
from django.core import mail

from accounts.models import Invitation
from accounts.services import invitation_email
from conduct.models import AuditEntry, User

NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def invited(client, priya, alliance, riverside, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(NOW, tick=False)
    client.force_login(priya)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/manage/partnerships/{alliance.slug}/people/new/",
            {"name": "Dev Shah", "email": "dev@example.org", "organisation": riverside.pk},
        )
    client.logout()
    return User.objects.get(email="dev@example.org")


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/invitation/[^/\s]+/)", message.body).group(1)


def set_password(client, link: str, password: str = "a long and new passphrase"):
    return client.post(link, {"new_password1": password, "new_password2": password})


def test_a_new_person_is_emailed_a_link_and_sets_their_own_password(client, invited):
    assert not invited.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["dev@example.org"] and message.subject == "You are invited to Conduct"
    assert "Priya Patel has added you" in message.body and "9 November 2026" in message.body
    link = link_in(message)
    assert "Set your password" in client.get(link).content.decode()
    response = set_password(client, link)
    assert response.status_code == 302 and response["Location"] == "/"
    invited.refresh_from_db()
    assert invited.check_password("a long and new passphrase")
    assert client.get("/").wsgi_request.user == invited
    assert AuditEntry.objects.filter(action="invitation.accepted", actor=invited).exists()


@pytest.fixture
def work_accounts_on(settings):
    settings.OIDC_RP_CLIENT_ID = "conduct"


def test_where_work_accounts_are_set_up_the_invitation_offers_one_instead_of_a_password(
    client, work_accounts_on, invited
):
    (message,) = mail.outbox
    assert "http://testserver/accounts/oidc/authenticate/" in message.body
    assert 'href="http://testserver/accounts/oidc/authenticate/"' in message.alternatives[0][0]
    page = client.get(link_in(message)).content.decode()
    assert "Sign in with your work account" in page and 'href="/accounts/oidc/authenticate/"' in page


def test_without_work_accounts_the_invitation_offers_only_a_password(client, invited):
    (message,) = mail.outbox
    assert "oidc" not in message.body and "oidc" not in message.alternatives[0][0]
    assert "Sign in with your work account" not in client.get(link_in(message)).content.decode()


def test_the_link_works_only_once(client, invited):
    link = link_in(mail.outbox[0])
    set_password(client, link)
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation has been used already" in response.content.decode()
    response = set_password(client, link, "another passphrase entirely")
    assert response.status_code == 410
    invited.refresh_from_db()
    assert invited.check_password("a long and new passphrase")


def test_the_link_expires_after_7_days(client, invited, time_machine):
    link = link_in(mail.outbox[0])
    time_machine.move_to(NOW + datetime.timedelta(days=6, hours=23), tick=False)
    assert client.get(link).status_code == 200
    time_machine.move_to(NOW + datetime.timedelta(days=7), tick=False)
    response = set_password(client, link)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_a_resent_invitation_replaces_the_old_link(
    client, invited, priya, alliance, time_machine, django_capture_on_commit_callbacks
):
    old_link = link_in(mail.outbox[0])
    time_machine.move_to(NOW + datetime.timedelta(days=8), tick=False)
    client.force_login(priya)
    partner = invited.partner
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/manage/partnerships/{alliance.slug}/people/{partner.pk}/invite/")
    client.logout()
    assert len(mail.outbox) == 2
    assert "A newer invitation has been sent" in client.get(old_link).content.decode()
    assert set_password(client, link_in(mail.outbox[1])).status_code == 302
    assert AuditEntry.objects.filter(action="invitation.resent", actor=priya).exists()


def test_a_tampered_link_is_refused(client, invited):
    link = link_in(mail.outbox[0])
    response = client.get(link[:-3] + "xx/")
    assert response.status_code == 410 and "not a valid invitation" in response.content.decode()


def test_the_password_must_follow_the_rules(client, invited):
    response = set_password(client, link_in(mail.outbox[0]), "password")
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    assert Invitation.objects.get(user=invited).accepted_at is None


def test_the_programme_manager_sees_who_has_not_accepted(client, invited, priya, alice, alliance):
    client.force_login(priya)
    page = client.get(f"/manage/partnerships/{alliance.slug}/people/", {"waiting": "1"}).content.decode()
    assert "Dev Shah" in page and "Not yet accepted" in page and "Alice Adams" not in page


def test_a_retried_email_task_sends_the_link_once(invited):
    invitation = Invitation.objects.get(user=invited)
    assert invitation_email(invitation_id=invitation.pk, nonce=invitation.nonce) is False
    assert len(mail.outbox) == 1


def test_someone_who_already_signs_in_is_not_invited(
    client, priya, alliance, alice, django_capture_on_commit_callbacks
):
    client.force_login(priya)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/manage/partnerships/{alliance.slug}/people/new/",
            {"name": "Alice Adams", "email": "alice@example.org", "organisation": alice.organisation_id},
        )
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_no_page_lets_an_administrator_set_a_password(client, ada, alliance, alice):
    client.force_login(ada)
    page = client.get(f"/manage/partnerships/{alliance.slug}/people/{alice.pk}/").content.decode()
    assert 'type="password"' not in page
