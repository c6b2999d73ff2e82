"""An anonymous reporter gets a receipt code, shown once and stored only as a
hash, with which to come back, see the status, answer questions and add information."""

import hashlib
import re

import pytest

from breaches import services
from breaches.models import BreachCase, CaseEvent, CaseMessage, Evidence
from breaches.receipt_codes import receipt_code_new, receipt_code_normalise, receipt_code_sha256
from tests.breaches.conftest import fresh, pdf, report, triage
from tests.breaches.test_reporting import DETAILS, HCA_MARCH, details_data

pytestmark = pytest.mark.django_db

FOLLOW_UP = "/breaches/follow-up/"


def send_anonymous_report(client) -> str:
    response = client.post(DETAILS + HCA_MARCH, details_data(identity="anonymous", reporter_name="Should be dropped"))
    assert response.status_code == 302
    page = client.get("/breaches/report/sent/").content.decode()
    return re.search(r'id="receipt-code">([0-9A-Z-]+)<', page).group(1)


def test_a_receipt_code_is_long_random_and_forgiving_of_how_it_is_typed():
    code = receipt_code_new()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}", code)  # 100 random bits
    assert receipt_code_new() != code
    typed = " " + code.lower().replace("-", " ").replace("0", "o") + " "
    assert receipt_code_normalise(typed) == code.replace("-", "")
    assert receipt_code_sha256(typed) == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert receipt_code_normalise("ABCD-EFGH") == ""


def test_the_anonymous_journey_with_a_receipt_code(client, alice, bob, priya):
    code = send_anonymous_report(client)
    case = BreachCase.objects.get()
    assert (case.identity, case.reporter, case.reporter_name, case.reporter_email) == ("anonymous", None, "", "")
    assert case.receipt_code_sha256 == receipt_code_sha256(code)
    assert code.replace("-", "") not in str(BreachCase.objects.values().get())  # only the hash is stored
    assert client.get("/breaches/report/sent/").status_code == 302  # and the code is shown once

    # A new browser: nothing is visible without the code.
    visitor = client.__class__()
    assert visitor.get(f"/breaches/follow-up/{case.pk}/").url == FOLLOW_UP
    body = visitor.post(FOLLOW_UP, {"code": "7KQM-2XPD-9RTB-4HWC-0NVA"}).content.decode()
    assert "No report has this receipt code. Check the code and try again" in body
    body = visitor.post(FOLLOW_UP, {"code": "too short"}).content.decode()
    assert "Enter the receipt code exactly as it was shown to you" in body

    response = visitor.post(FOLLOW_UP, {"code": code.lower()})
    assert response.url == f"/breaches/follow-up/{case.pk}/"
    page = visitor.get(response.url).content.decode()
    assert f"Your report {case.reference}" in page and "Reported" in page and "anonymously" in page

    # The programme manager asks a question; the reporter sees it and answers, with a file.
    services.breach_case_message_reporter(case=case, actor=priya, kind="question", text="Which meeting was it?")
    assert fresh(case).acknowledged_at is not None
    page = visitor.get(f"/breaches/follow-up/{case.pk}/").content.decode()
    assert "Which meeting was it?" in page and "Question from the programme manager" in page

    response = visitor.post(f"/breaches/follow-up/{case.pk}/", {"text": "The one on 10 March.", "evidence": pdf()})
    assert response.status_code == 302
    answer = CaseMessage.objects.get(kind="reporter_information")
    assert (answer.text, answer.author) == ("The one on 10 March.", None)
    evidence = Evidence.objects.get()
    assert (evidence.source, evidence.uploaded_by) == ("reporter", None)
    page = visitor.get(f"/breaches/follow-up/{case.pk}/").content.decode()
    assert "The one on 10 March." in page and "minutes.pdf" in page
    assert visitor.get(evidence.get_absolute_url()).status_code == 200

    # The status moves on and the reporter sees it, but not the reasons recorded for it.
    triage(case, priya)
    page = visitor.get(f"/breaches/follow-up/{case.pk}/").content.decode()
    assert "Informal resolution" in page
    assert "not deliberate and not continued" not in page


def test_an_empty_addition_is_refused_with_a_message(client, alice, bob):
    code = send_anonymous_report(client)
    case = BreachCase.objects.get()
    client.post(FOLLOW_UP, {"code": code})
    body = client.post(f"/breaches/follow-up/{case.pk}/", {"text": "  "}).content.decode()
    assert "Write the information you want to add, or choose a file" in body
    assert not CaseMessage.objects.exists()


def test_a_partner_who_reports_anonymously_is_not_recorded_anywhere(client, alice, bob):
    client.force_login(alice.user)
    code = send_anonymous_report(client)
    case = BreachCase.objects.get()
    assert code and case.reporter is None and case.identity == "anonymous"
    assert CaseEvent.objects.get(case=case).actor is None
    assert client.get(case.get_absolute_url()).status_code == 404  # not "their" case: it is the code's


def test_a_receipt_code_opens_only_its_own_report(client, alice, bob):
    code = send_anonymous_report(client)
    mine = BreachCase.objects.get()
    other = report(identity="anonymous")
    client.post(FOLLOW_UP, {"code": code})
    assert client.get(f"/breaches/follow-up/{mine.pk}/").status_code == 200
    assert client.get(f"/breaches/follow-up/{other.pk}/").url == FOLLOW_UP


def test_a_closed_report_takes_no_more_information(client, alice, bob, priya):
    code = send_anonymous_report(client)
    case = BreachCase.objects.get()
    services.breach_case_withdraw(
        case=case, expected_version=case.version, actor=priya, reason="Duplicate of BC-00001."
    )
    client.post(FOLLOW_UP, {"code": code})
    page = client.get(f"/breaches/follow-up/{case.pk}/").content.decode()
    assert "Withdrawn" in page and "Answer a question or add information" not in page
    body = client.post(f"/breaches/follow-up/{case.pk}/", {"text": "More."}).content.decode()
    assert "This case is withdrawn: information can no longer be added." in body
