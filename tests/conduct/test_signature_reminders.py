"""Partners who have not signed the current version are asked, then reminded
every fortnight until they sign; the programme manager sees who was reminded."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from conduct import services, tasks
from conduct.models import CodeVersion, SignatureRequest

START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def day(n: int):
    return time_machine.travel(START + datetime.timedelta(days=n), tick=False)


# Queued work goes to (eager) Celery when each transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def reminded_partners() -> list[str]:
    return sorted(
        m.to[0] for m in mail.outbox if m.subject.startswith("Reminder: please sign The Health Creation Alliance")
    )


def test_partners_are_asked_then_reminded_every_fortnight_until_they_sign(seed_codes, alice, bob, charlie):
    version = CodeVersion.objects.get(code__slug="health-creation-alliance", status="published")
    with day(0):
        tasks.ask_everyone_to_sign()
    assert sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Please sign The Health")) == [
        "alice@example.org",
        "bob@example.org",
    ]
    mail.outbox.clear()

    with day(13):
        tasks.send_signature_reminders()
    assert reminded_partners() == []
    with day(14):
        tasks.send_signature_reminders()
        tasks.send_signature_reminders()  # running twice reminds once
    assert reminded_partners() == ["alice@example.org", "bob@example.org"]
    mail.outbox.clear()

    with day(20):
        services.signature_record(partner=alice, version=version, typed_name="Alice Adams")
    with day(27):
        tasks.send_signature_reminders()
    assert reminded_partners() == []
    with day(28):
        tasks.send_signature_reminders()
    assert reminded_partners() == ["bob@example.org"]
    assert SignatureRequest.objects.get(partner=bob, version=version).reminder_count == 2
    assert SignatureRequest.objects.get(partner=alice, version=version).reminder_count == 1


def test_asking_everyone_again_asks_nobody_twice(seed_codes, alice, bob):
    tasks.ask_everyone_to_sign()
    tasks.ask_everyone_to_sign()
    assert (
        len([m for m in mail.outbox if m.to == ["alice@example.org"] and "The Health Creation Alliance" in m.subject])
        == 1
    )


def test_a_partner_who_joins_later_is_asked_by_the_daily_run(seed_codes, alice, northfield):
    tasks.ask_everyone_to_sign()
    from tests.conftest import make_partner

    make_partner("dora", "Dora", "Day", northfield)
    mail.outbox.clear()
    tasks.ask_everyone_to_sign()
    assert [m.to for m in mail.outbox] == [["dora@example.org"]]


def test_the_programme_manager_sees_who_was_reminded(client, seed_codes, alice, bob, priya):
    with day(0):
        tasks.ask_everyone_to_sign()
    with day(14):
        tasks.send_signature_reminders()
    client.force_login(priya)
    page = client.get("/codes/health-creation-alliance/versions/2/signatures/").content.decode()
    assert page.count("reminded 1 time, last 16 Nov 2026") == 2
    export = client.get("/codes/health-creation-alliance/versions/2/signatures.csv")
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert all(row.split(",")[7] == "1" for row in rows[1:])


def test_reminders_stop_for_a_version_once_it_is_superseded(seed_codes, alice, ada):
    with day(0):
        tasks.ask_everyone_to_sign()
        draft = services.code_version_start_draft(
            code=CodeVersion.objects.get(code__slug="health-creation-alliance", number=2).code, actor=ada
        )
        services.code_version_publish(version=draft, actor=ada)
    mail.outbox.clear()
    with day(14):
        sent = services.signature_reminders_send(now=timezone.now())
    # Only the request for the new version is reminded, not the superseded one.
    assert sent == 1
    assert "version 3" in mail.outbox[0].subject
