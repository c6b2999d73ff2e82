"""The breach forms fed random and hostile input: a clear form error or a clean
save, never a 500, and whatever is shown back is escaped."""

import pytest
from hypothesis import given

from tests.breaches.conftest import report
from tests.breaches.test_reporting import DETAILS, HCA_MARCH, details_data
from tests.security.test_hostile_input import HOSTILE_NUMBER, HOSTILE_TEXT, HYPOTHESIS, assert_handled

pytestmark = pytest.mark.django_db


@HYPOTHESIS
@given(
    place=HOSTILE_TEXT, description=HOSTILE_TEXT, person=HOSTILE_TEXT, name=HOSTILE_TEXT, organisation=HOSTILE_NUMBER
)
def test_the_report_form(client, alice, bob, place, description, person, name, organisation):
    data = details_data(
        incident_place=place, description=description, respondent_person_name=person, reporter_name=name
    )
    data["respondent_organisation"] = organisation
    response = client.post(DETAILS + HCA_MARCH, data)
    assert_handled(response, place, description, person, name)


@HYPOTHESIS
@given(day=HOSTILE_NUMBER, month=HOSTILE_NUMBER, year=HOSTILE_NUMBER, partnership=HOSTILE_TEXT)
def test_the_first_step(client, seed_codes, day, month, year, partnership):
    response = client.get(
        DETAILS, {"partnership": partnership, "incident_date_0": day, "incident_date_1": month, "incident_date_2": year}
    )
    assert_handled(response, partnership)


@HYPOTHESIS
@given(code=HOSTILE_TEXT)
def test_the_receipt_code_form(client, db, code):
    assert_handled(client.post("/breaches/follow-up/", {"code": code}), code)


@HYPOTHESIS
@given(summary=HOSTILE_TEXT, note=HOSTILE_TEXT, severity=HOSTILE_TEXT, version=HOSTILE_NUMBER)
def test_the_triage_form(client, people, summary, note, severity, version):
    case = report(reporter=people["alice"])
    client.force_login(people["priya"])
    response = client.post(
        f"/breaches/cases/{case.pk}/triage/",
        {
            "version": version,
            "severity": severity,
            "deliberate": "no",
            "respondent_summary": summary,
            "note": note,
        },
    )
    assert_handled(response, summary, note, severity)
