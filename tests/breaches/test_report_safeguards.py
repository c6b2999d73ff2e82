"""What protects people who report, and the programme managers who receive the
reports: the receipt code page is kept out of caches; an anonymous report
leaves nothing in a session that carries an identity; reports without an
account are limited per address and per browser; the same form sent twice, or
twenty times at once, makes one case; and a case's reference does not tell how
many cases there are."""

import re
import threading

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from breaches import services
from breaches.models import BreachCase, CaseEmail
from breaches.receipt_codes import receipt_code_new
from tests.breaches.conftest import INCIDENT, report
from tests.breaches.test_reporting import DETAILS, HCA_MARCH, details_data

pytestmark = pytest.mark.django_db
SENT = "/breaches/report/sent/"
RECEIPT_CODE = re.compile(r'id="receipt-code">([0-9A-Z-]+)<')


def send(client, *, address="203.0.113.9", **overrides):
    """Open the form (as a browser does, which gives it its one-off value) and send it."""
    form = client.get(DETAILS + HCA_MARCH).context["form"]
    data = details_data(submission=form["submission"].value(), **overrides)
    return client.post(DETAILS + HCA_MARCH, data, REMOTE_ADDR=address)


def sessions_hold_breach_data() -> list:
    return [key for session in Session.objects.all() for key in session.get_decoded() if key.startswith("breach")]


def test_the_page_showing_a_receipt_code_is_kept_out_of_caches(client, bob, priya):
    response = client.post(DETAILS + HCA_MARCH, details_data(identity="anonymous"), follow=True)
    assert RECEIPT_CODE.search(response.content.decode())
    assert "no-store" in response["Cache-Control"]


def test_an_anonymous_report_from_a_logged_in_person_leaves_nothing_in_their_session(client, alice, bob, priya):
    client.force_login(alice.user)
    assert send(client, identity="anonymous").status_code == 302
    assert sessions_hold_breach_data() == []
    code = RECEIPT_CODE.search(client.get(SENT).content.decode()).group(1)
    case = BreachCase.objects.get()
    assert case.reporter is None

    # Following it up while logged in links nothing to her session either.
    response = client.post("/breaches/follow-up/", {"code": code})
    assert response.url == f"/breaches/follow-up/{case.pk}/"
    assert case.reference in client.get(response.url).content.decode()
    assert sessions_hold_breach_data() == []


def test_one_address_sends_only_so_many_reports_an_hour(client, bob, priya, settings):
    settings.BREACH_REPORTS_PER_ADDRESS = 3
    for _ in range(3):
        assert send(client.__class__(), identity="anonymous").status_code == 302
    response = send(client.__class__(), identity="anonymous")
    assert response.status_code == 429
    page = response.content.decode()
    assert "There is a problem" in page and "You have sent several reports in a short time" in page
    assert BreachCase.objects.count() == 3
    assert CaseEmail.objects.filter(kind="reported").count() == 3
    # Someone else, elsewhere, is not held up.
    assert send(client.__class__(), identity="anonymous", address="198.51.100.7").status_code == 302


def test_one_browser_sends_only_so_many_reports_an_hour_whatever_its_address(client, bob, priya, settings):
    settings.BREACH_REPORTS_PER_SESSION = 2
    for number in range(2):
        assert send(client, identity="anonymous", address=f"198.51.100.{number}").status_code == 302
    assert send(client, identity="anonymous", address="198.51.100.99").status_code == 429
    assert BreachCase.objects.count() == 2


def test_a_partner_reporting_confidentially_is_not_counted(client, alice, bob, priya, settings):
    settings.BREACH_REPORTS_PER_ADDRESS = settings.BREACH_REPORTS_PER_SESSION = 1
    client.force_login(alice.user)
    for _ in range(3):
        assert send(client).status_code == 302
    assert BreachCase.objects.filter(reporter=alice.user).count() == 3


def test_the_same_form_sent_twice_makes_one_case_and_shows_the_same_code(client, bob, priya):
    form = client.get(DETAILS + HCA_MARCH).context["form"]
    data = details_data(identity="anonymous", submission=form["submission"].value())
    codes = []
    for _ in range(2):
        response = client.post(DETAILS + HCA_MARCH, data, follow=True)
        codes.append(RECEIPT_CODE.search(response.content.decode()).group(1))
    case = BreachCase.objects.get()
    assert codes[0] == codes[1]
    assert CaseEmail.objects.filter(case=case, kind="reported").count() == 1
    assert f"Your reference<br><strong>{case.reference}</strong>" in response.content.decode()


def test_a_reference_says_nothing_of_how_many_cases_there_are(people):
    first, second = report(reporter=people["alice"]), report(reporter=people["alice"])
    for case in (first, second):
        assert re.fullmatch(r"BC-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", case.reference)
    assert first.reference != second.reference
    # Not the old sequential form (BC-00042): a random part may hold the digit of the id by chance.
    assert f"{first.pk:05}" not in first.reference and f"{second.pk:05}" not in second.reference


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_twenty_identical_reports_sent_at_once_make_one_case_on_postgresql(bob, priya, alliance):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (set DATABASE_URL): SQLite lets one writer in at a time, so nothing races.")
    from conduct.models import Principle

    submission = receipt_code_new()
    barrier = threading.Barrier(20)
    results, errors = [], []

    def send_once():
        try:
            barrier.wait()
            results.append(
                services.breach_case_report(
                    actor=None,
                    partnership=alliance,
                    respondent_organisation=bob.organisation,
                    incident_date=INCIDENT,
                    incident_place="Email",
                    description="Shared a confidential paper.",
                    identity="anonymous",
                    cited_principles=[Principle.objects.get(slug="integrity")],
                    submission=submission,
                )
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send_once) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    case = BreachCase.objects.get()
    assert {(result[0].pk, result[1]) for result in results} == {(case.pk, submission)}
    assert CaseEmail.objects.filter(case=case, kind="reported").count() == 1
