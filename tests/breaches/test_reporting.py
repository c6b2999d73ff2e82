"""Reporting a concern: which partnership and when, then what happened,
whom it is about and which parts of the code in force that day it touches."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from breaches import services
from breaches.models import BreachCase, CaseEvent, Evidence
from conduct.models import CodeVersion, Membership, Organisation, Principle
from tests.breaches.conftest import PDF_BYTES, hca_item, pdf, report

pytestmark = pytest.mark.django_db

START = "/breaches/report/"
DETAILS = "/breaches/report/details/"
HCA_MARCH = "?partnership=health-creation-alliance&incident_date_0=10&incident_date_1=3&incident_date_2=2026"


def details_data(**overrides) -> dict:
    data = {
        "respondent_organisation": Organisation.objects.get(name="Northfield Wellbeing Trust").pk,
        "respondent_person_name": "",
        "incident_place": "The March partnership meeting",
        "description": "Shared a partner's confidential figures with a supplier.",
        f"items_{hca_item().section_id}": [hca_item().pk],
        "identity": "confidential",
    }
    data.update(overrides)
    return data


def test_anyone_can_start_a_report(client, seed_codes):
    response = client.get(START)
    assert response.status_code == 200
    assert "Which partnership's code of conduct is it about?" in response.content.decode()


def test_the_first_step_says_what_is_missing(client, seed_codes):
    body = client.get(DETAILS + "?partnership=&incident_date_0=&incident_date_1=&incident_date_2=").content.decode()
    assert "There is a problem" in body
    assert "Choose the partnership" in body
    assert "Enter the date it happened" in body
    assert 'href="#id_partnership_1"' in body  # the summary links to the first radio


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2026", "The date it happened must be a real date"),
        ("1", "1", "2027", "The date it happened must be today or in the past"),
        ("", "3", "2026", "The date it happened must include a day"),
        ("x", "3", "2026", "The date it happened must be a real date, in numbers"),
        ("1", "3", "26", "Enter the date it happened with a four-digit year"),
    ],
)
def test_a_wrong_date_gets_a_clear_message_and_keeps_what_was_typed(client, seed_codes, day, month, year, message):
    query = (
        f"?partnership=health-creation-alliance&incident_date_0={day}&incident_date_1={month}&incident_date_2={year}"
    )
    body = client.get(DETAILS + query).content.decode()
    assert message in body
    assert f'name="incident_date_1" value="{month}"' in body
    assert 'checked="checked"' in body


def test_the_code_items_offered_are_those_of_the_version_in_force_on_the_day(client, alice):
    Membership.objects.update(started_on=datetime.date(2020, 1, 1))
    before = client.get(
        DETAILS + "?partnership=health-creation-alliance&incident_date_0=1&incident_date_1=6&incident_date_2=2022"
    )
    after = client.get(DETAILS + HCA_MARCH)
    assert before.context["version"] == CodeVersion.objects.get(code__slug="health-creation-alliance", number=1)
    assert after.context["version"] == CodeVersion.objects.get(code__slug="health-creation-alliance", number=2)
    assert "Reciprocity" in after.content.decode()  # a value version 2 added


def test_only_organisations_that_were_members_that_day_can_be_chosen(client, alice, bob, charlie):
    form = client.get(DETAILS + HCA_MARCH).context["form"]
    names = [o.name for o in form.fields["respondent_organisation"].queryset]
    assert names == ["Northfield Wellbeing Trust", "Riverside Community Health"]


def test_a_partner_reports_confidentially_from_their_account(client, alice, bob, priya):
    client.force_login(alice.user)
    response = client.post(DETAILS + HCA_MARCH, details_data(respondent_person_name="  Bob   Brown "))
    assert response.status_code == 302 and response.url == "/breaches/report/sent/"

    case = BreachCase.objects.get()
    assert (case.reporter, case.identity, case.reporter_name, case.receipt_code_sha256) == (
        alice.user,
        "confidential",
        "",
        None,
    )
    assert case.respondent_person_name == "Bob Brown"
    assert case.code_version.number == 2
    assert list(case.cited_items.all()) == [hca_item()]
    assert case.status == "reported"
    assert (case.triage_due_on, case.acknowledge_due_on, case.feedback_due_on) == (
        datetime.date(2026, 3, 25),
        datetime.date(2026, 3, 25),
        datetime.date(2026, 6, 18),
    )
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("report", "", "reported", alice.user)

    sent = client.get("/breaches/report/sent/").content.decode()
    assert case.reference in sent and 'id="receipt-code"' not in sent
    assert client.get("/breaches/report/sent/").status_code == 302  # shown once


def test_the_report_sent_page_names_the_programme_manager_as_the_partnership_does(client, alice, bob, priya, ada):
    from conduct.services import role_labels_set

    role_labels_set(
        partnership=bob.organisation.memberships.get().partnership,
        actor=ada,
        labels={"programme_manager": "Partnership Manager"},
    )
    client.force_login(alice.user)
    client.post(DETAILS + HCA_MARCH, details_data())
    sent = client.get("/breaches/report/sent/").content.decode()
    assert "The Partnership Manager will acknowledge your report by" in sent
    assert "dealt with informally by the Partnership Manager" in sent
    case = BreachCase.objects.get()
    page = client.get(f"/breaches/cases/{case.pk}/").content.decode()
    assert "programme manager" not in page.lower()


def test_a_bad_report_says_what_is_wrong_next_to_each_field_and_keeps_what_was_typed(client, alice, bob):
    client.force_login(alice.user)
    data = details_data(description="", identity="", respondent_person_name="Bob Brown")
    data.pop(f"items_{hca_item().section_id}")
    response = client.post(DETAILS + HCA_MARCH, data)
    body = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Describe what happened",
        "Choose at least one part of the code, or a principle of public life, that this concerns",
        "Choose whether to report confidentially or anonymously",
    ):
        assert body.count(message) == 2, message  # in the summary and next to the field
    assert 'value="The March partnership meeting"' in body and 'value="Bob Brown"' in body
    assert not BreachCase.objects.exists()


def test_a_principle_alone_is_enough_to_cite(client, alice, bob):
    client.force_login(alice.user)
    data = details_data(principles=[Principle.objects.get(slug="honesty").pk])
    data.pop(f"items_{hca_item().section_id}")
    assert client.post(DETAILS + HCA_MARCH, data).status_code == 302
    assert [p.name for p in BreachCase.objects.get().cited_principles.all()] == ["Honesty"]


def test_someone_without_an_account_reporting_confidentially_gives_their_name(client, alice, bob):
    response = client.post(DETAILS + HCA_MARCH, details_data(reporter_email="not an email"))
    body = response.content.decode()
    assert "Enter your name, or choose to report anonymously" in body
    assert "Enter an email address in the correct format, like name@example.com" in body

    response = client.post(
        DETAILS + HCA_MARCH, details_data(reporter_name="Dee Witness", reporter_email="dee@example.org")
    )
    assert response.status_code == 302
    case = BreachCase.objects.get()
    assert (case.reporter, case.reporter_name, case.reporter_email) == (None, "Dee Witness", "dee@example.org")
    assert case.receipt_code_sha256  # they can come back with a receipt code too
    assert "Your receipt code" in client.get("/breaches/report/sent/").content.decode()


def test_evidence_can_be_attached_to_a_report(client, alice, bob):
    client.force_login(alice.user)
    response = client.post(DETAILS + HCA_MARCH, {**details_data(), "evidence": pdf()})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.source, evidence.content_type, evidence.original_name, evidence.size) == (
        "reporter",
        "application/pdf",
        "minutes.pdf",
        len(PDF_BYTES),
    )


def test_a_file_of_the_wrong_kind_is_refused_and_the_reporter_told_to_choose_again(client, alice, bob):
    client.force_login(alice.user)
    upload = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary", content_type="application/pdf")
    body = client.post(DETAILS + HCA_MARCH, {**details_data(), "evidence": upload}).content.decode()
    assert "The selected file must be a PDF, PNG, JPEG, Word (.docx) or plain text file" in body
    assert "the file you chose was not kept" in body
    assert not BreachCase.objects.exists()


def test_a_partnership_with_no_members_then_cannot_be_reported_on(client, seed_codes):
    body = client.get(DETAILS + HCA_MARCH).content.decode()
    assert "The Health Creation Alliance had no published code and member organisations on that date" in body


def test_the_service_refuses_items_from_another_version(alice, bob):
    with pytest.raises(services.BreachError, match="Choose parts of the code in force on the date it happened."):
        report(reporter=alice.user, cited_items=[hca_item(number=1)])
    assert not BreachCase.objects.exists()
