"""Bad input gets a clear message, never a server error."""

import re

import pytest

from breaches.models import BreachCase
from tests.breaches.conftest import fresh, report, respond, triage
from tests.breaches.test_reporting import DETAILS, HCA_MARCH, details_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "?partnership=no-such-thing&incident_date_0=1&incident_date_1=1&incident_date_2=2026",
        "?partnership=health-creation-alliance&incident_date_0=99&incident_date_1=99&incident_date_2=99999",
        "?partnership=health-creation-alliance&incident_date_0=1&incident_date_1=1&incident_date_2=1",
        "?partnership[]=x&incident_date_0=%00",
    ],
)
def test_the_report_pages_survive_nonsense(client, seed_codes, query):
    response = client.get("/breaches/report/details/" + query)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_report_with_a_foreign_organisation_or_item_is_refused_clearly(client, people, coalition):
    client.force_login(people["alice"])
    body = client.post(
        DETAILS + HCA_MARCH, details_data(respondent_organisation=people["charlie"].partner.organisation_id)
    ).content.decode()
    assert "Choose one of the organisations listed" in body
    body = client.post(
        DETAILS + HCA_MARCH, details_data(principles=["999999"], description="x" * 10_001)
    ).content.decode()
    assert "What happened must be 10,000 characters or fewer" in body
    assert "Choose from the principles listed" in body
    body = client.post(DETAILS + HCA_MARCH, details_data(principles=["abc"])).content.decode()
    assert "Choose from the principles listed" in body
    assert not BreachCase.objects.exists()


def test_over_long_text_is_shown_back_whole_and_the_browser_is_not_told_to_cut_it(client, people):
    client.force_login(people["alice"])
    assert not re.search(r'\smaxlength="', client.get(DETAILS + HCA_MARCH).content.decode())
    description = "They shared the minutes. " * 401  # 10,025 characters
    body = client.post(DETAILS + HCA_MARCH, details_data(description=description)).content.decode()
    assert "What happened must be 10,000 characters or fewer" in body
    assert description.strip() in body
    assert not re.search(r'\smaxlength="', body)


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999999999999"])
def test_a_tampered_version_is_a_message_not_an_error(client, people, version):
    case = report(reporter=people["alice"])
    client.force_login(people["priya"])
    response = client.post(f"/breaches/cases/{case.pk}/withdraw/", {"version": version, "reason": "Because."})
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "This page is out of date. Reload it and try again." in body
        or "This case changed while you were working on it." in body
    )
    assert fresh(case).status == "reported"


def test_an_outcome_the_track_does_not_allow_is_refused_in_the_form(client, people):
    case = triage(report(reporter=people["alice"]), people["priya"])
    respond(case, people["bob"])
    client.force_login(people["priya"])
    body = client.post(
        f"/breaches/cases/{case.pk}/decide/",
        {
            "version": fresh(case).version,
            "outcome": "termination",
            "finding": "F",
            "reasons": "R",
            "wider_causes": "W",
            "lessons": "L",
        },
    ).content.decode()
    assert "Choose one of the outcomes listed" in body
    assert fresh(case).status == "informal"


def test_a_move_not_open_now_sends_the_person_back_to_the_case_with_the_reason(client, people):
    case = report(reporter=people["alice"])
    client.force_login(people["priya"])
    response = client.get(f"/breaches/cases/{case.pk}/close/", follow=True)
    assert "This case is waiting for triage, so it cannot be closed." in response.content.decode()


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client, people):
    client.force_login(people["priya"])
    assert client.get("/breaches/cases/?page=abc").status_code == 200
    assert client.get("/breaches/lessons/?page=-5").status_code == 200
