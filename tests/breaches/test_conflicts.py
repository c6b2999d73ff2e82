"""C4PC: "A Partner with a potential conflict of interest will not participate in
any decision … until the potential conflict is resolved". Nobody triages or
decides a case while a declaration of theirs concerning the respondent is
unresolved; the check is the declarations app's."""

import datetime

import pytest

from breaches import services
from breaches.models import CaseEvent
from conduct.models import Organisation, Partnership, PartnershipRole
from declarations import services as declarations
from declarations.models import Declaration, ManagementAction
from tests.breaches.conftest import case_in, decide, fresh, report, respond, triage

pytestmark = pytest.mark.django_db


def declare_interest(user, *, organisation=None, name="") -> Declaration:
    """The user declares, through the declarations app, shares in the organisation (or person) named."""
    declaration = declarations.declaration_start(
        actor=user, partnership=Partnership.objects.get(slug="health-creation-alliance"), is_nil=False
    )
    declarations.declaration_draft_save(
        declaration=declaration,
        actor=user,
        kind="financial",
        situation="shareholding",
        counterparty_organisation=organisation,
        counterparty_name=name,
        description="Shares held since 2020",
        arose_on=datetime.date(2026, 3, 1),
    )
    declarations.declaration_submit(declaration=declaration, actor=user)
    return Declaration.objects.get(pk=declaration.pk)


@pytest.fixture
def northfield_case(people):
    case = triage(report(reporter=people["alice"]), people["priya"], severity="serious")
    respond(case, people["bob"])
    return fresh(case)


def test_a_panel_member_with_an_unresolved_interest_in_the_respondent_cannot_decide(people, northfield_case):
    declare_interest(people["pam"], organisation=Organisation.objects.get(name="Northfield Wellbeing Trust"))
    with pytest.raises(
        services.BreachError,
        match="Pam Panel has declared an interest concerning Northfield Wellbeing Trust that is not yet resolved",
    ):
        decide(northfield_case, people["pam"], outcome="formal_warning")
    case = fresh(northfield_case)
    assert (case.status, case.outcome) == ("formal", "")
    assert not CaseEvent.objects.filter(case=case, action="decide").exists()


def test_the_case_page_says_why_and_offers_no_decision(client, people, northfield_case):
    declare_interest(people["pam"], organisation=Organisation.objects.get(name="Northfield Wellbeing Trust"))
    client.force_login(people["pam"])
    body = client.get(northfield_case.get_absolute_url()).content.decode()
    assert "You have declared an interest concerning Northfield Wellbeing Trust that is not yet resolved" in body
    assert f'href="/breaches/cases/{northfield_case.pk}/decide/"' not in body

    response = client.get(f"/breaches/cases/{northfield_case.pk}/decide/", follow=True)
    assert "not yet resolved" in response.content.decode()
    response = client.post(
        f"/breaches/cases/{northfield_case.pk}/decide/",
        {
            "version": northfield_case.version,
            "outcome": "formal_warning",
            "finding": "F",
            "reasons": "R",
            "wider_causes": "W",
            "lessons": "L",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "not yet resolved" in body
    assert fresh(northfield_case).status == "formal"


def test_once_the_interest_is_resolved_the_panel_member_can_decide(people, northfield_case):
    declaration = declare_interest(
        people["pam"], organisation=Organisation.objects.get(name="Northfield Wellbeing Trust")
    )
    declarations.declaration_accept(declaration=declaration, actor=people["priya"])
    case = decide(northfield_case, people["pam"], outcome="formal_warning")
    assert (case.status, case.outcome, case.decided_by) == ("decided", "formal_warning", people["pam"])


def test_an_accepted_interest_that_excludes_them_still_stops_them(people, northfield_case):
    declaration = declare_interest(
        people["pam"], organisation=Organisation.objects.get(name="Northfield Wellbeing Trust")
    )
    declarations.declaration_accept(
        declaration=declaration, actor=people["priya"], actions=[(ManagementAction.Kind.EXCLUDED_FROM_DECISIONS, "")]
    )
    with pytest.raises(services.BreachError, match="on condition that Pam Panel is excluded from decisions concerning"):
        decide(northfield_case, people["pam"], outcome="formal_warning")


def test_an_interest_in_another_organisation_does_not_stop_them(people, northfield_case):
    declare_interest(people["pam"], organisation=Organisation.objects.get(name="Riverside Community Health"))
    assert decide(northfield_case, people["pam"], outcome="not_upheld").status == "decided"


def test_an_interest_in_the_person_named_stops_them_too(people, alliance):
    PartnershipRole.objects.create(
        user=people["pam"], partnership=alliance, role=PartnershipRole.Role.PROGRAMME_MANAGER
    )
    declare_interest(people["pam"], name="Bob Brown")
    case = report(reporter=people["alice"], respondent_person_name="bob brown")
    with pytest.raises(services.BreachError, match="concerning Bob Brown that is not yet resolved"):
        triage(case, people["pam"])
    assert fresh(case).status == "reported"
    assert triage(case, people["priya"]).status == "informal"  # another programme manager can


def test_a_conflicted_programme_manager_cannot_write_to_the_reporter_either(people, alliance):
    PartnershipRole.objects.create(
        user=people["pam"], partnership=alliance, role=PartnershipRole.Role.PROGRAMME_MANAGER
    )
    declare_interest(people["pam"], organisation=Organisation.objects.get(name="Northfield Wellbeing Trust"))
    case = report(reporter=people["alice"])
    with pytest.raises(services.BreachError, match="not yet resolved"):
        services.breach_case_message_reporter(case=case, actor=people["pam"], kind="acknowledgement", text="Received.")


def _as_priya(case, action, priya):
    version = fresh(case).version
    if action == "triage":
        return triage(case, priya)
    if action == "escalate":
        return services.breach_case_escalate(case=case, expected_version=version, actor=priya, reason="It went on.")
    if action == "de_escalate":
        return services.breach_case_de_escalate(case=case, expected_version=version, actor=priya, reason="Minor.")
    if action == "decide":
        return decide(case, priya, outcome="not_upheld")
    return services.breach_case_close(case=case, expected_version=version, actor=priya, feedback="Resolved.")


@pytest.mark.parametrize(
    "status, action",
    [
        ("reported", "triage"),
        ("informal", "escalate"),
        ("formal", "de_escalate"),
        ("informal", "decide"),
        ("decided", "close"),
    ],
)
def test_a_programme_manager_who_is_not_a_partner_is_stopped_from_every_decision_by_their_interest(
    people, status, action
):
    """The defect: a programme manager who was not a partner could not declare, so nothing stopped them."""
    case = case_in(status, people=people)
    declaration = declare_interest(
        people["priya"], organisation=Organisation.objects.get(name="Northfield Wellbeing Trust")
    )
    with pytest.raises(services.BreachError, match=f"not yet resolved \\(declaration {declaration.pk},"):
        _as_priya(case, action, people["priya"])
    assert fresh(case).status == status
    assert not CaseEvent.objects.filter(case=case, action=action).exists()
