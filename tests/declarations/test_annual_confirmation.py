"""Each year every partner is asked to confirm or update their declarations (or
make a nil declaration), and reminded until they do."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from declarations import services, tasks
from declarations.models import AnnualConfirmation, DeclarationPolicy
from tests.declarations.conftest import declare

# Emails go once the batch that queued them commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

APRIL_1 = datetime.datetime(2026, 4, 1, 7, 0, tzinfo=datetime.UTC)


def at(time_machine, days: int):
    time_machine.move_to(APRIL_1 + datetime.timedelta(days=days), tick=False)


def asked(subject_start: str) -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if m.subject.startswith(subject_start))


def test_everyone_is_asked_once_a_round_when_the_round_starts(time_machine, alice, bob, charlie):
    # On 20 March the round in force is the one that began in April 2025.
    tasks.ask_for_annual_confirmations()
    assert set(AnnualConfirmation.objects.values_list("year", flat=True)) == {2025}
    mail.outbox.clear()
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    tasks.ask_for_annual_confirmations()
    assert asked("Please confirm your declarations to The Health Creation Alliance for 2026") == [
        "alice@example.org",
        "bob@example.org",
    ]
    assert asked("Please confirm your declarations to Coalition for Personalised Care for 2026") == [
        "charlie@example.org"
    ]
    alice_email = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert "/declarations/annual/health-creation-alliance/" in alice_email.body


def test_reminders_come_every_fortnight_until_the_partner_confirms(time_machine, alice, bob):
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    mail.outbox.clear()
    at(time_machine, 13)
    tasks.remind_unconfirmed_partners()
    assert asked("Reminder: please confirm") == []
    at(time_machine, 14)
    tasks.remind_unconfirmed_partners()
    tasks.remind_unconfirmed_partners()
    assert asked("Reminder: please confirm") == ["alice@example.org", "bob@example.org"]
    mail.outbox.clear()

    services.annual_confirmation_confirm(
        partner=alice, partnership=alice.organisation.memberships.get().partnership, actor=alice.user
    )
    at(time_machine, 28)
    tasks.remind_unconfirmed_partners()
    assert asked("Reminder: please confirm") == ["bob@example.org"]
    assert AnnualConfirmation.objects.get(partner=bob).reminder_count == 2


def test_making_a_declaration_counts_as_confirming(time_machine, alice):
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    declare(alice, nil=True)
    confirmation = AnnualConfirmation.objects.get(partner=alice)
    assert confirmation.how == "declared" and confirmation.confirmed_at is not None
    mail.outbox.clear()
    at(time_machine, 30)
    tasks.remind_unconfirmed_partners()
    assert asked("Reminder") == []


def test_the_round_starts_in_the_month_each_partnership_chooses(time_machine, alice, alliance):
    DeclarationPolicy.objects.update_or_create(partnership=alliance, defaults={"annual_confirmation_month": 9})
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    assert AnnualConfirmation.objects.get(partner=alice).year == 2025  # the round that began in September 2025


def test_a_new_round_replaces_the_old_one_for_reminders(time_machine, alice):
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    time_machine.move_to(datetime.datetime(2027, 4, 1, 7, 0, tzinfo=datetime.UTC), tick=False)
    tasks.ask_for_annual_confirmations()
    mail.outbox.clear()
    time_machine.move_to(datetime.datetime(2027, 4, 20, 7, 0, tzinfo=datetime.UTC), tick=False)
    assert services.annual_confirmations_remind(now=timezone.now()) == 1
    assert "2027" in mail.outbox[0].body


def test_a_partner_confirms_from_the_page_they_are_sent_to(client, time_machine, alice):
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    client.force_login(alice.user)
    assert (
        "Please confirm your declarations to The Health Creation Alliance for 2026"
        in client.get("/declarations/").content.decode()
    )
    page = client.get("/declarations/annual/health-creation-alliance/").content.decode()
    assert "These are complete and up to date" in page
    response = client.post("/declarations/annual/health-creation-alliance/")
    assert response.status_code == 302
    confirmation = AnnualConfirmation.objects.get(partner=alice)
    assert confirmation.how == "confirmed"
    from conduct.models import AuditEntry

    assert AuditEntry.objects.filter(
        action="declarations.annual_confirmation", subject_id=str(confirmation.pk), actor=alice.user
    ).exists()
    assert "Please confirm your declarations" not in client.get("/declarations/").content.decode()


def test_a_partner_cannot_confirm_for_a_partnership_they_are_not_in(client, time_machine, charlie):
    client.force_login(charlie.user)
    assert client.get("/declarations/annual/health-creation-alliance/").status_code == 404


@pytest.mark.parametrize("who, status", [("priya", 200), ("alice", 403)])
def test_the_programme_manager_sees_who_has_confirmed(client, time_machine, alice, bob, priya, who, status):
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    services.annual_confirmation_confirm(
        partner=alice, partnership=alice.organisation.memberships.get().partnership, actor=alice.user
    )
    client.force_login(priya if who == "priya" else alice.user)
    response = client.get("/declarations/annual/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert page.count("Confirmed</strong>") == 1 and page.count("Not yet</strong>") == 1
