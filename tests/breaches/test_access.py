"""Every page checks who is asking: a partner never sees who reported a
concern, nor another organisation's case; objects someone may not see are 404s."""

import pytest
from django.core import mail

from breaches import services
from breaches.models import Evidence
from conduct.models import PartnershipRole
from tests.breaches.conftest import pdf, report, respond, triage
from tests.conftest import make_partner, make_user

pytestmark = pytest.mark.django_db

CASE_PAGES = [
    "",
    "triage/",
    "escalate/",
    "de-escalate/",
    "decide/",
    "close/",
    "withdraw/",
    "message/",
    "respond/",
    "add-information/",
]


@pytest.fixture
def named_case(people, django_capture_on_commit_callbacks):
    """Reported without an account by Dee, who gave her name and email, then triaged."""
    case = report(reporter=None, reporter_name="Dee Witness", reporter_email="dee@example.org", evidence=pdf("dee.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        triage(case, people["priya"])
    return case


def test_a_partner_of_another_organisation_gets_404_everywhere(client, people, named_case):
    client.force_login(people["charlie"])
    for page in CASE_PAGES:
        assert client.get(f"/breaches/cases/{named_case.pk}/{page}").status_code == 404, page
        assert client.post(f"/breaches/cases/{named_case.pk}/{page}", {}).status_code == 404, page
    assert client.get(Evidence.objects.get().get_absolute_url()).status_code == 404


def test_a_colleague_of_the_reporter_cannot_see_their_report(client, people, riverside):
    case = report(reporter=people["alice"])
    client.force_login(make_partner("rob", "Rob", "River", riverside).user)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_the_respondent_never_learns_who_reported(client, people, named_case):
    client.force_login(people["bob"])
    body = client.get(named_case.get_absolute_url()).content.decode()
    assert "A concern about Northfield Wellbeing Trust" in body
    for identity in ("Dee", "Witness", "dee@example.org", "dee.pdf"):
        assert identity not in body, identity
    for message in mail.outbox:
        if message.to == ["bob@example.org"]:
            assert "Dee" not in message.body and "Dee" not in message.alternatives[0][0]
    assert client.get(Evidence.objects.get().get_absolute_url()).status_code == 404


def test_the_respondent_sees_nothing_before_triage_and_no_handling_pages_after(client, people):
    case = report(reporter=people["alice"])
    client.force_login(people["bob"])
    assert client.get(case.get_absolute_url()).status_code == 404
    triage(case, people["priya"])
    assert client.get(case.get_absolute_url()).status_code == 200
    for page in ["triage/", "decide/", "withdraw/", "message/", "add-information/"]:
        assert client.get(f"/breaches/cases/{case.pk}/{page}").status_code == 404, page


def test_those_handling_the_case_see_who_reported_once_they_reveal_it(client, people, named_case):
    client.force_login(people["priya"])
    body = client.get(named_case.get_absolute_url()).content.decode()
    assert "Confidential reporter" in body and "Dee Witness" not in body and "dee.pdf" in body
    services.breach_case_reporter_reveal(case=named_case, actor=people["priya"], reason="To ask about the date.")
    assert "Dee Witness (dee@example.org)" in client.get(named_case.get_absolute_url()).content.decode()
    client.force_login(people["ada"])
    services.breach_case_reporter_reveal(case=named_case, actor=people["ada"], reason="To check the date.")
    assert "Dee Witness" in client.get(named_case.get_absolute_url()).content.decode()


def test_the_panel_sees_formal_cases_only(client, people, named_case):
    client.force_login(people["pam"])
    assert client.get(named_case.get_absolute_url()).status_code == 404  # informal
    services.breach_case_escalate(
        case=named_case, expected_version=2, actor=people["priya"], reason="Deliberate after all."
    )
    body = client.get(named_case.get_absolute_url()).content.decode()
    assert "Confidential reporter" in body
    assert client.get(Evidence.objects.get().get_absolute_url()).status_code == 200


def test_a_programme_manager_of_another_partnership_gets_404(client, people, named_case, coalition):
    other = make_user("colin", "Colin", "Coalition")
    PartnershipRole.objects.create(user=other, partnership=coalition, role=PartnershipRole.Role.PROGRAMME_MANAGER)
    client.force_login(other)
    assert client.get(named_case.get_absolute_url()).status_code == 404
    assert named_case.reference not in client.get("/breaches/cases/").content.decode()


def test_the_reporter_sees_their_report_but_not_the_response_nor_the_handling(client, people):
    case = triage(report(reporter=people["alice"], evidence=pdf()), people["priya"])
    services.breach_case_respond(case=case, actor=people["bob"], text="Not us.", evidence=pdf("our-side.pdf"))
    client.force_login(people["alice"])
    body = client.get(case.get_absolute_url()).content.decode()
    assert f"Your report {case.reference}" in body and "minutes.pdf" in body
    assert "Not us." not in body and "our-side.pdf" not in body and "not deliberate" not in body
    reporter_file, respondent_file = Evidence.objects.order_by("pk")
    assert client.get(reporter_file.get_absolute_url()).status_code == 200
    assert client.get(respondent_file.get_absolute_url()).status_code == 404
    client.force_login(people["bob"])
    assert client.get(respondent_file.get_absolute_url()).status_code == 200
    assert client.get(reporter_file.get_absolute_url()).status_code == 404


def test_someone_not_logged_in_is_asked_to_log_in(client, people):
    case = report(reporter=people["alice"], evidence=pdf())
    assert client.get(case.get_absolute_url()).url.startswith("/accounts/login/")
    assert client.get("/breaches/cases/").url.startswith("/accounts/login/")
    assert client.get(Evidence.objects.get().get_absolute_url()).status_code == 404


def test_the_queue_and_the_lessons_are_for_those_handling_cases(client, people):
    client.force_login(people["alice"])
    assert client.get("/breaches/cases/").status_code == 403
    assert client.get("/breaches/lessons/").status_code == 403
    client.force_login(people["pam"])
    assert client.get("/breaches/cases/").status_code == 200
    assert client.get("/breaches/lessons/").status_code == 403
    client.force_login(people["priya"])
    assert client.get("/breaches/lessons/").status_code == 200


def test_respondents_and_reporters_see_their_cases_listed(client, people):
    case = triage(report(reporter=people["alice"]), people["priya"])
    respond(case, people["bob"])
    client.force_login(people["alice"])
    assert case.reference in client.get("/breaches/mine/").content.decode()
    client.force_login(people["bob"])
    body = client.get("/breaches/mine/").content.decode()
    assert case.reference in body and "Concerns about your organisation" in body
    client.force_login(people["charlie"])
    assert case.reference not in client.get("/breaches/mine/").content.decode()
