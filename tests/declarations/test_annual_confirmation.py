"""Each year every partner is asked to confirm or update their declarations (or
make a nil declaration), and reminded until they do."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from conduct import services as conduct_services
from conduct.models import AuditEntry, PartnershipRole
from declarations import services, tasks
from declarations.models import AnnualConfirmation, DeclarationPolicy
from tests.conftest import make_user
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
        person=alice.user, partnership=alice.organisation.memberships.get().partnership, actor=alice.user
    )
    at(time_machine, 28)
    tasks.remind_unconfirmed_partners()
    assert asked("Reminder: please confirm") == ["bob@example.org"]
    assert AnnualConfirmation.objects.get(person=bob.user).reminder_count == 2


def test_making_a_declaration_counts_as_confirming(time_machine, alice):
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    declare(alice, nil=True)
    confirmation = AnnualConfirmation.objects.get(person=alice.user)
    assert confirmation.how == "declared" and confirmation.confirmed_at is not None
    mail.outbox.clear()
    at(time_machine, 30)
    tasks.remind_unconfirmed_partners()
    assert asked("Reminder") == []


def test_the_round_starts_in_the_month_each_partnership_chooses(time_machine, alice, alliance):
    DeclarationPolicy.objects.update_or_create(partnership=alliance, defaults={"annual_confirmation_month": 9})
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    assert AnnualConfirmation.objects.get(person=alice.user).year == 2025  # the round that began in September 2025


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
    confirmation = AnnualConfirmation.objects.get(person=alice.user)
    assert confirmation.how == "confirmed"
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
        person=alice.user, partnership=alice.organisation.memberships.get().partnership, actor=alice.user
    )
    client.force_login(priya if who == "priya" else alice.user)
    response = client.get("/declarations/annual/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert page.count("Confirmed</strong>") == 1 and page.count("Not yet</strong>") == 1


# --- Decision-making staff, partners or not ----------------------------------------------

DECISION_MAKER = PartnershipRole.Role.DECISION_MAKER
CONFIRM_2026 = "Please confirm your declarations to The Health Creation Alliance for 2026"
CONFIRM_2027 = "Please confirm your declarations to The Health Creation Alliance for 2027"


def appoint(person, alliance, actor):
    conduct_services.role_grant(partnership=alliance, user=person, role=DECISION_MAKER, actor=actor)


def on(time_machine, year: int, month: int, day: int):
    time_machine.move_to(datetime.datetime(year, month, day, 7, 0, tzinfo=datetime.UTC), tick=False)


def test_a_decision_maker_who_is_not_a_partner_is_asked_on_appointment_then_yearly_never_twice_a_year(
    time_machine, alice, priya, ada, alliance
):
    on(time_machine, 2026, 4, 1)
    tasks.ask_for_annual_confirmations()  # this round's partners are asked; priya is not yet a decision-maker
    assert "priya@example.org" not in asked("Please confirm")
    on(time_machine, 2026, 6, 10)
    mail.outbox.clear()
    appoint(priya, alliance, ada)
    assert asked("Declare your interests: you are a decision-maker") == ["priya@example.org"]

    # The appointment was this round's ask: the daily runs after it do not ask again.
    for day in (11, 12):
        on(time_machine, 2026, 6, day)
        tasks.ask_for_annual_confirmations()
    assert asked("Please confirm") == []
    request = AnnualConfirmation.objects.get(person=priya, year=2026)
    assert request.emailed_at == request.requested_at == datetime.datetime(2026, 6, 10, 7, 0, tzinfo=datetime.UTC)

    # Reminded as partners are, counted from the appointment.
    on(time_machine, 2026, 6, 24)
    tasks.remind_unconfirmed_partners()
    assert "priya@example.org" in asked("Reminder: please confirm")

    # A year on, the next round asks once, however often the task runs.
    mail.outbox.clear()
    on(time_machine, 2027, 4, 1)
    tasks.ask_for_annual_confirmations()
    tasks.ask_for_annual_confirmations()
    on(time_machine, 2027, 4, 2)
    tasks.ask_for_annual_confirmations()
    assert asked(CONFIRM_2027) == ["alice@example.org", "priya@example.org"]
    assert AnnualConfirmation.objects.filter(person=priya).count() == 2
    email = next(m for m in mail.outbox if m.to == ["priya@example.org"])
    assert "Dear Priya Patel" in email.body and "/declarations/annual/health-creation-alliance/" in email.body


def test_decision_makers_of_every_role_are_asked_with_the_partners_and_a_partner_who_is_one_once(
    time_machine, alice, bob, priya, ada, alliance
):
    pam = make_user("pam", "Pam", "Panel")
    for person, role in ((pam, PartnershipRole.Role.PANEL_MEMBER), (ada, PartnershipRole.Role.ADMINISTRATOR)):
        PartnershipRole.objects.create(user=person, partnership=alliance, role=role)
    for person in (pam, ada, alice.user):
        appoint(person, alliance, priya)
    mail.outbox.clear()
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    # priya, the programme manager, is not a decision-maker: she is not asked.
    assert asked(CONFIRM_2026) == ["ada@example.org", "alice@example.org", "bob@example.org", "pam@example.org"]


def test_someone_who_stops_being_a_decision_maker_is_neither_asked_nor_reminded(time_machine, priya, ada, alliance):
    pam = make_user("pam", "Pam", "Panel")
    appoint(pam, alliance, priya)
    appoint(ada, alliance, priya)
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    assert asked(CONFIRM_2026) == ["ada@example.org", "pam@example.org"]
    conduct_services.role_revoke(partnership=alliance, user=pam, role=DECISION_MAKER, actor=priya)
    mail.outbox.clear()
    at(time_machine, 14)
    tasks.remind_unconfirmed_partners()
    assert asked("Reminder: please confirm") == ["ada@example.org"]

    conduct_services.role_revoke(partnership=alliance, user=ada, role=DECISION_MAKER, actor=priya)
    mail.outbox.clear()
    on(time_machine, 2027, 4, 1)
    tasks.ask_for_annual_confirmations()
    tasks.remind_unconfirmed_partners()
    assert asked("Please confirm") == asked("Reminder") == []
    assert not AnnualConfirmation.objects.filter(year=2027).exists()


def test_a_decision_maker_who_declares_on_appointment_is_not_asked_again_that_round(time_machine, priya, ada, alliance):
    on(time_machine, 2026, 6, 10)
    appoint(priya, alliance, ada)
    declare(priya, partnership=alliance, nil=True)
    mail.outbox.clear()
    on(time_machine, 2026, 6, 11)
    tasks.ask_for_annual_confirmations()
    on(time_machine, 2026, 7, 30)
    tasks.remind_unconfirmed_partners()
    assert mail.outbox == []
    request = AnnualConfirmation.objects.get(person=priya)
    assert (request.year, request.how) == (2026, "declared")


def test_a_decision_maker_who_is_not_a_partner_confirms_from_the_page_they_are_sent_to(
    client, time_machine, priya, ada, alliance
):
    appoint(priya, alliance, ada)
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    client.force_login(priya)
    assert CONFIRM_2026 in client.get("/declarations/").content.decode()
    page = client.get("/declarations/annual/health-creation-alliance/").content.decode()
    assert "These are complete and up to date" in page
    assert client.post("/declarations/annual/health-creation-alliance/").status_code == 302
    confirmation = AnnualConfirmation.objects.get(person=priya)
    assert confirmation.how == "confirmed"
    assert AuditEntry.objects.filter(
        action="declarations.annual_confirmation", subject_id=str(confirmation.pk), actor=priya
    ).exists()
    # The nil declaration page is theirs too.
    assert client.get("/declarations/new/").status_code == 200


def test_the_programme_manager_sees_decision_makers_who_are_not_partners_among_those_asked(
    client, time_machine, alice, priya, ada, alliance
):
    pam = make_user("pam", "Pam", "Panel")
    appoint(pam, alliance, ada)
    at(time_machine, 0)
    tasks.ask_for_annual_confirmations()
    client.force_login(priya)
    page = client.get("/declarations/annual/").content.decode()
    assert "Pam Panel" in page and "Alice Adams" in page and "Riverside" in page


def test_declaring_records_no_confirmation_for_someone_the_partnership_does_not_ask(time_machine, priya, alliance):
    # priya, the programme manager, declares, but is neither a partner nor a decision-maker.
    at(time_machine, 0)
    declare(priya, partnership=alliance, nil=True)
    assert not AnnualConfirmation.objects.filter(person=priya).exists()


def test_a_decision_maker_made_without_the_appointment_ask_is_asked_by_the_round(time_machine, alliance):
    # Straight into the table, as the admin site makes a role: nobody asked on appointment.
    on(time_machine, 2026, 6, 10)
    pam = make_user("pam", "Pam", "Panel")
    PartnershipRole.objects.create(user=pam, partnership=alliance, role=DECISION_MAKER)
    mail.outbox.clear()
    on(time_machine, 2026, 6, 11)
    tasks.ask_for_annual_confirmations()
    assert asked(CONFIRM_2026) == ["pam@example.org"]
