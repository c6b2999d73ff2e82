"""A suspension takes effect: while it runs, the suspended organisation's
partners take part in no decision (the decision check refuses them, citing the
case) and sit on no panel; on its end date it lifts by itself, once, recorded,
and the people it covered are told."""

import datetime

import pytest
from django.core import mail

from breaches import services
from conduct import tasks as conduct_tasks
from conduct.models import AuditEntry, Organisation, Partner, PartnershipRole, Suspension
from declarations.services import decision_participation_check
from tests.breaches.conftest import convene, decide, report, respond, triage
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

UNTIL = datetime.date(2026, 9, 30)


@pytest.fixture
def suspended(people):
    """Northfield (Bob's organisation) suspended until 30 September by case BC-00001."""
    case = triage(report(reporter=people["alice"]), people["priya"], severity="serious")
    respond(case, people["bob"])
    return decide(case, people["pam"], outcome="suspension", suspended_until=UNTIL)


def test_a_suspended_partner_may_take_part_in_no_decision_and_the_refusal_cites_the_case(people, suspended):
    check = decision_participation_check(
        user=people["bob"], organisation=Organisation.objects.get(name="Riverside Community Health")
    )
    assert not check.allowed
    assert check.reason == (
        "Northfield Wellbeing Trust is suspended from The Health Creation Alliance until 30 September 2026: "
        f"Suspended by the decision on breach case {suspended.reference}."
    )
    assert decision_participation_check(user=people["alice"]).allowed  # Riverside is not suspended
    assert AuditEntry.objects.filter(action="suspension.started", actor=people["pam"]).exists()


def test_a_suspended_partner_cannot_sit_on_a_panel(people, alliance, suspended):
    bob = people["bob"]
    PartnershipRole.objects.create(user=bob, partnership=alliance, role=PartnershipRole.Role.PANEL_MEMBER)
    about_riverside = triage(
        report(reporter=people["charlie"], about=Organisation.objects.get(name="Riverside Community Health")),
        people["priya"],
        severity="serious",
    )
    with pytest.raises(
        services.BreachError, match="Bob Brown cannot sit on the panel: Northfield Wellbeing Trust is suspended"
    ):
        convene(about_riverside, "bob", "quinn", "rosa")


def test_a_suspension_of_a_named_person_stops_only_them(people, northfield):
    colleague = Partner.objects.create(user=make_user("nia", "Nia", "North"), organisation=northfield)
    case = report(reporter=people["alice"], respondent_person_name="Bob  Brown")
    triage(case, people["priya"], severity="serious")
    respond(case, people["bob"])
    decide(case, people["pam"], outcome="suspension", suspended_until=UNTIL)
    assert decision_participation_check(user=people["bob"]).reason.startswith(
        "You (Bob Brown) are suspended from The Health Creation Alliance until 30 September 2026"
    )
    assert decision_participation_check(user=colleague.user).allowed


def test_the_suspension_lifts_by_itself_on_its_end_date_once(
    people, suspended, time_machine, django_capture_on_commit_callbacks
):
    conduct_tasks.lift_ended_suspensions()
    assert Suspension.objects.get().lifted_at is None  # not before its end date
    time_machine.move_to(datetime.datetime(2026, 9, 30, 0, 10, tzinfo=datetime.UTC), tick=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        conduct_tasks.lift_ended_suspensions()
        conduct_tasks.lift_ended_suspensions()  # run twice: lifted once, told once
    suspension = Suspension.objects.get()
    assert suspension.lifted_at is not None
    assert suspension.lifted_reason == "The suspension ended on its end date."
    assert AuditEntry.objects.filter(action="suspension.lifted").count() == 1
    assert decision_participation_check(user=people["bob"]).allowed
    assert [message.to for message in mail.outbox] == [[people["bob"].email]]
    assert "has been lifted: The suspension ended on its end date." in mail.outbox[0].body


def test_a_suspended_partner_cannot_be_made_a_panel_member_or_a_reviewer(client, people, alliance, suspended):
    bob = people["bob"]
    client.force_login(people["priya"])
    for role in ("panel_member", "declarations_reviewer"):
        response = client.post(
            f"/manage/partnerships/{alliance.slug}/people/{bob.partner.pk}/",
            {"name": "Robert Brown", "job_title": "Director", "roles": [role]},
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert "Bob Brown cannot be made a" in page
        assert "Northfield Wellbeing Trust is suspended from The Health Creation Alliance" in page
    assert not PartnershipRole.objects.filter(user=bob).exists()
    bob.refresh_from_db()
    assert bob.display_name == "Bob Brown"  # nothing half-saved: the name is unchanged too
    assert not AuditEntry.objects.filter(action="role.granted").exists()


def test_a_suspended_partner_keeps_a_role_they_already_held(client, people, alliance):
    bob = people["bob"]
    PartnershipRole.objects.create(user=bob, partnership=alliance, role=PartnershipRole.Role.PANEL_MEMBER)
    case = triage(report(reporter=people["alice"]), people["priya"], severity="serious")
    respond(case, bob)
    decide(case, people["pam"], outcome="suspension", suspended_until=UNTIL)
    client.force_login(people["priya"])
    response = client.post(
        f"/manage/partnerships/{alliance.slug}/people/{bob.partner.pk}/",
        {"name": "Bob Brown", "job_title": "Director", "roles": ["panel_member"]},
    )
    assert response.status_code == 302  # the decision check still keeps him off every panel while suspended


def test_the_signature_dashboard_and_the_register_show_who_is_suspended(client, people, suspended):
    from tests.declarations.conftest import declare

    declare(people["bob"])
    declare(people["alice"])
    client.force_login(people["priya"])
    dashboard = client.get("/codes/health-creation-alliance/versions/2/signatures/").content.decode()
    register = client.get("/declarations/register/").content.decode()
    for page in (dashboard, register):
        assert page.count(">Suspended</strong>") == 1  # Bob, not Alice
        assert "from The Health Creation Alliance until 30 September 2026" in page
    row = dashboard[dashboard.index("Bob Brown") :]
    assert row.index("Suspended") < row.index("</tr>")
