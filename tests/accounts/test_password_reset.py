"""Asking for a password reset link: the email goes after the response, through
the outbox, so the time taken says nothing about whether an address has an
account; and the requests are throttled per address and per email address."""

import datetime

import pytest
from django.core import mail

from conduct.models import QueuedTask

pytestmark = pytest.mark.django_db
RESET = "/accounts/password-reset/"


def ask(client, email, *, address="203.0.113.9"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_the_reset_email_is_sent_after_the_response_not_inside_it(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as after_the_response:
        response = ask(client, "alice@example.org")
    assert response.status_code == 302
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        for callback in after_the_response:
            callback()
    (email,) = mail.outbox
    assert email.to == ["alice@example.org"] and "/accounts/reset/" in email.body


def test_an_address_with_an_account_and_one_without_take_the_same_path(client, alice):
    for email in ("alice@example.org", "nobody@example.org"):
        response = ask(client, email)
        assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    queued = QueuedTask.objects.filter(task_name="accounts.tasks.send_password_reset").order_by("pk")
    assert [task.kwargs["email"] for task in queued] == ["alice@example.org", "nobody@example.org"]


def test_one_address_asking_too_often_is_told_to_wait(client, alice, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 3
    for number in range(3):
        assert ask(client, f"someone{number}@example.org").status_code == 302
    response = ask(client, "alice@example.org")
    assert response.status_code == 429
    page = response.content.decode()
    assert "There is a problem" in page and "too many requests for a reset link from here" in page
    # Someone elsewhere is not held up.
    assert ask(client, "alice@example.org", address="198.51.100.7").status_code == 302


def test_one_account_gets_at_most_three_links_an_hour_and_the_page_never_says_so(
    client, alice, django_capture_on_commit_callbacks, time_machine
):
    for number in range(5):
        time_machine.move_to(datetime.datetime(2026, 12, 7, 10, number, tzinfo=datetime.UTC), tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            response = ask(client, "alice@example.org", address=f"198.51.100.{number}")
        assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 3
