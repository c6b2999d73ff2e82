"""Each email goes at most once per address and purpose, and at least once while the
mail server comes back within a day: a failing server, a crash between sending and
marking, and a lost batch cost a retry, never a lost or doubled email."""

import datetime
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import OperationalError
from django.db.models import QuerySet
from django.utils import timezone

from conduct import email_delivery, services
from conduct.email_delivery import OutgoingEmail
from conduct.models import Code, EmailDelivery, SignatureRequest
from tests.conftest import make_partner

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


class FlakyBackend(EmailBackend):
    """The mail server: refuses every message once `refuse_after` have gone, until `recovered`."""

    refuse_after: int | None = None
    recovered = False

    def send_messages(self, messages):
        refusing = FlakyBackend.refuse_after is not None and not FlakyBackend.recovered
        if refusing and len(mail.outbox) >= FlakyBackend.refuse_after:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail_server(settings):
    settings.EMAIL_BACKEND = "tests.conduct.test_email_delivery.FlakyBackend"
    FlakyBackend.refuse_after, FlakyBackend.recovered = None, False
    yield FlakyBackend
    FlakyBackend.refuse_after, FlakyBackend.recovered = None, False


@pytest.fixture
def many_partners(seed_codes, northfield):
    return [make_partner(f"p{n}", "Partner", f"{n}", northfield) for n in range(12)]


def publish(ada):
    draft = services.code_version_start_draft(code=Code.objects.get(slug="health-creation-alliance"), actor=ada)
    services.code_version_publish(version=draft, actor=ada)
    return draft


def addresses() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def sweep(minutes_later: float) -> int:
    with time_machine.travel(START + datetime.timedelta(minutes=minutes_later), tick=False):
        return email_delivery.emails_sweep(now=timezone.now())


def test_a_mail_server_that_fails_part_way_then_recovers_sends_nothing_twice(flaky_mail_server, ada, many_partners):
    flaky_mail_server.refuse_after = 5
    with time_machine.travel(START, tick=False):
        publish(ada)
    assert len(mail.outbox) == 5
    assert EmailDelivery.objects.filter(status="sent").count() == 5
    failed = EmailDelivery.objects.exclude(status="sent")
    assert failed.count() == 7 and not failed.filter(status="sending").exists()
    assert sweep(0.5) == 0  # the retry waits a minute

    flaky_mail_server.recovered = True
    assert sweep(1) == 7
    assert addresses() == sorted(f"p{n}@example.org" for n in range(12))
    assert EmailDelivery.objects.filter(status="sent").count() == 12
    assert sweep(60) == 0
    assert len(mail.outbox) == 12


def test_a_send_interrupted_after_the_message_went_but_before_the_mark_is_sent_once(ada, alice, bob):
    real_update = QuerySet.update
    failures = []

    def update_failing_first_sent_mark(self, **values):
        if values.get("status") == "sent" and not failures:
            failures.append(values)
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **values)

    with (
        time_machine.travel(START, tick=False),
        mock.patch("django.db.models.query.QuerySet.update", update_failing_first_sent_mark),
        mock.patch("conduct.email_delivery.time.sleep"),
    ):
        publish(ada)
    assert failures
    assert addresses() == ["alice@example.org", "bob@example.org"]
    assert sorted(EmailDelivery.objects.values_list("status", flat=True)) == ["sent", "sent"]
    # Running the delivery again, and the sweeper much later, sends nothing more.
    email_delivery.emails_deliver(delivery_ids=list(EmailDelivery.objects.values_list("pk", flat=True)))
    assert sweep(600) == 0
    assert addresses() == ["alice@example.org", "bob@example.org"]


def test_a_send_that_crashed_is_sent_again_by_the_sweeper_once_its_claim_has_lapsed(ada, alice, bob):
    with time_machine.travel(START, tick=False), mock.patch("conduct.email_delivery.task_enqueue"):
        publish(ada)
    delivery = EmailDelivery.objects.get(to="alice@example.org")
    # A worker claimed it and died before the mail server answered.
    EmailDelivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=START, attempts=1)
    assert mail.outbox == []
    assert sweep(2) == 0  # the worker might still be sending
    assert sweep(email_delivery.CLAIM_LEASE.total_seconds() / 60 + 1) == 2
    assert addresses() == ["alice@example.org", "bob@example.org"]


def test_a_batch_lost_mid_fan_out_is_recovered_by_the_sweeper(settings, ada, many_partners):
    settings.SIGNATURE_REQUEST_BATCH_SIZE = 5
    lost = []
    real_enqueue = email_delivery.task_enqueue

    def lose_the_second_batch(task_name, **kwargs):
        lost.append(kwargs)
        if len(lost) == 2:
            return None  # the broker took it, then the worker holding it died
        return real_enqueue(task_name, **kwargs)

    with time_machine.travel(START, tick=False), mock.patch.object(email_delivery, "DELIVERY_BATCH_SIZE", 5):
        with mock.patch("conduct.email_delivery.task_enqueue", lose_the_second_batch):
            publish(ada)
        assert len(mail.outbox) == 7  # every batch but the lost one went: none waits for another
    assert SignatureRequest.objects.filter(emailed_at__isnull=True).count() == 0
    assert sweep(1) == 0  # its task may still be on its way
    assert sweep(email_delivery.SWEEP_AFTER.total_seconds() / 60) == 5
    assert addresses() == sorted(f"p{n}@example.org" for n in range(12))


def test_the_retry_schedule_keeps_trying_for_hours_up_to_a_day():
    delays = [email_delivery.retry_delay(attempt) for attempt in range(1, 40)]
    assert delays[0] == datetime.timedelta(minutes=1)
    assert delays[:4] == sorted(delays[:4])
    assert max(delays) == datetime.timedelta(hours=1)
    waited, attempts = datetime.timedelta(), 0
    while waited + email_delivery.retry_delay(attempts + 1) <= email_delivery.GIVE_UP_AFTER:
        attempts += 1
        waited += email_delivery.retry_delay(attempts)
    assert waited > datetime.timedelta(hours=23)
    assert attempts >= 25


def test_an_email_that_fails_for_a_day_is_given_up_and_says_why(flaky_mail_server):
    flaky_mail_server.refuse_after = 0
    minutes = 0.0
    with time_machine.travel(START, tick=False):
        services.email_queue(purpose="test:1", to="alice@example.org", template="emails/review_opened", context={})
    while EmailDelivery.objects.get().status == "pending" and minutes < 2 * 24 * 60:
        minutes += 30
        sweep(minutes)
    delivery = EmailDelivery.objects.get()
    assert delivery.status == "failed" and "closed" in delivery.last_error
    assert 22 * 60 <= minutes <= 25 * 60
    assert mail.outbox == []


def test_the_same_email_queued_twice_for_one_purpose_goes_once(alice):
    email = OutgoingEmail(purpose="test:2", to="alice@example.org", template="emails/review_opened", context={})
    assert services.emails_queue([email, email]) == 1
    assert services.emails_queue([email]) == 0
    assert len(mail.outbox) == 1
