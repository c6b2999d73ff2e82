"""Penetration test, finding 1 (High): a handler from the respondent's organisation saw the
reporter and decided. Belonging to the organisation a case is about, or being the person it
names, keeps someone from handling it at all: from seeing it among the cases, the reporter,
the messages and the evidence, from writing to the reporter, triaging, deciding and sitting
on its panel.

Nina is the Alliance's second programme manager and a partner at Northfield, the
respondent; Nigel sits on its panel and is a partner at Northfield too. Quinn sits on the
panel and is the person a case names.
"""

import pytest
from django.core import mail

from breaches import selectors, services
from breaches.models import BreachCase, CaseEvent, CaseMessage
from conduct.models import Organisation, Partner, Partnership, PartnershipRole
from declarations.services import decision_participation_check
from tests.breaches.conftest import case_in, convene, fresh, pdf, report, respond, triage
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _role(user, role):
    PartnershipRole.objects.create(
        user=user, partnership=Partnership.objects.get(slug="health-creation-alliance"), role=role
    )
    return user


@pytest.fixture
def nina(people):
    user = make_user("nina", "Nina", "North")
    Partner.objects.create(user=user, organisation=Organisation.objects.get(name="Northfield Wellbeing Trust"))
    return _role(user, PartnershipRole.Role.PROGRAMME_MANAGER)


@pytest.fixture
def nigel(people):
    user = make_user("nigel", "Nigel", "Norris")
    Partner.objects.create(user=user, organisation=Organisation.objects.get(name="Northfield Wellbeing Trust"))
    return _role(user, PartnershipRole.Role.PANEL_MEMBER)


def test_a_programme_manager_from_the_respondent_organisation_does_not_see_the_case_among_hers(client, people, nina):
    case = report(reporter=people["alice"], evidence=pdf())
    client.force_login(nina)
    assert case.reference not in client.get("/breaches/cases/").content.decode()
    assert case.reference not in b"".join(client.get("/breaches/cases.csv").streaming_content).decode()
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(f"/breaches/evidence/{case.evidence.get().pk}/").status_code == 404
    assert not selectors.cases_handled_by(nina).filter(pk=case.pk).exists()


def test_once_told_she_sees_it_as_the_respondent_does_never_who_reported(client, people, nina):
    case = triage(report(reporter=people["alice"]), people["priya"])
    client.force_login(nina)
    body = client.get(case.get_absolute_url()).content.decode()
    assert "A concern about Northfield Wellbeing Trust" in body
    assert "Alice" not in body and "alice@example.org" not in body


def test_nor_does_she_read_the_lessons_of_cases_about_her_organisation(client, people, nina):
    case_in("decided", people=people)
    client.force_login(nina)
    assert "No rule said which figures were confidential." not in client.get("/breaches/lessons/").content.decode()
    client.force_login(people["priya"])
    assert "No rule said which figures were confidential." in client.get("/breaches/lessons/").content.decode()


def test_she_cannot_triage_write_to_the_reporter_or_decide(client, people, nina):
    informal = case_in("informal", people=people)
    case = report(reporter=people["alice"])
    with pytest.raises(services.BreachError, match="Northfield Wellbeing Trust"):
        triage(case, nina)
    with pytest.raises(services.BreachError):
        services.breach_case_message_reporter(case=case, actor=nina, kind="question", text="Who else was there?")
    assert not CaseMessage.objects.filter(case=case).exists()

    with pytest.raises(services.BreachError, match="Northfield Wellbeing Trust"):
        services.breach_case_decide(
            case=informal,
            expected_version=informal.version,
            actor=nina,
            outcome="not_upheld",
            finding="F",
            reasons="R",
            wider_causes="W",
            lessons="L",
        )
    assert fresh(informal).status == "informal"
    assert not CaseEvent.objects.filter(case=informal, action="decide").exists()

    client.force_login(nina)
    for action in ("triage", "message", "decide"):
        assert client.get(f"/breaches/cases/{case.pk}/{action}/").status_code == 404


def test_the_decision_check_names_the_organisation_she_works_for(people, nina):
    check = decision_participation_check(
        user=nina, organisation=Organisation.objects.get(name="Northfield Wellbeing Trust")
    )
    assert not check.allowed
    assert "You work for Northfield Wellbeing Trust" in check.reason
    assert "Nina North works for Northfield Wellbeing Trust" in check.reason_about(nina)


def test_the_new_report_email_does_not_go_to_a_programme_manager_from_the_respondent(
    people, nina, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(reporter=people["alice"])
    recipients = {address for message in mail.outbox for address in message.to}
    assert "priya@example.org" in recipients
    assert "nina@example.org" not in recipients


def test_a_panel_member_from_the_respondent_organisation_neither_sees_nor_sits(client, people, nigel):
    case = triage(report(reporter=people["alice"]), people["priya"], severity="serious")
    respond(case, people["bob"])
    assert not selectors.handles_case(nigel, fresh(case))
    with pytest.raises(services.BreachError, match="Nigel Norris cannot sit on the panel"):
        convene(case, "pam", "quinn", "nigel")


def test_the_person_a_case_names_neither_handles_it_nor_sits_on_its_panel(client, people):
    case = fresh(
        triage(
            report(reporter=people["alice"], respondent_person_name="quinn  QUARRY"),
            people["priya"],
            severity="serious",
        )
    )
    quinn = people["quinn"]
    assert not selectors.handles_case(quinn, case)
    assert not selectors.cases_handled_by(quinn).filter(pk=case.pk).exists()
    client.force_login(quinn)
    assert client.get(case.get_absolute_url()).status_code == 404
    with pytest.raises(services.BreachError, match="Quinn Quarry cannot sit on the panel"):
        convene(case, "pam", "quinn", "rosa")


def test_the_one_rule_and_the_queue_agree_for_everyone(people, nina, nigel):
    """handles_case (one case in hand) and cases_handled_by (a queryset) give the same answer."""
    cases = [
        report(reporter=people["alice"]),
        case_in("formal", people=people),
        report(reporter=people["alice"], respondent_person_name="Pam Panel"),
        report(reporter=people["bob"], about=Organisation.objects.get(name="Riverside Community Health")),
    ]
    for user in [*people.values(), nina, nigel]:
        for case in cases:
            case = BreachCase.objects.get(pk=case.pk)
            assert selectors.handles_case(user, case) == selectors.cases_handled_by(user).filter(pk=case.pk).exists(), (
                user.username,
                case.reference,
            )
