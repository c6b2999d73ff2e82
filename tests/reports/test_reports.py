"""A programme manager sees the partnership's figures as charts and its annual report, as
a page and as a PDF: figures built here, empty ones included, and never a name."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from breaches import services as breaches
from breaches.models import BreachCase
from declarations.models import Declaration
from tests.breaches.conftest import decide, fresh, report, respond, triage
from tests.declarations.conftest import declare

pytestmark = pytest.mark.django_db

INSIGHT = "/reports/health-creation-alliance/"
REPORT = "/reports/health-creation-alliance/2026/"


def bars(response, chart: str) -> dict[str, str]:
    return {bar.label: bar.figure for bar in response.context[chart].bars}


def test_with_nothing_yet_every_chart_says_so_and_every_table_shows_noughts(client, people):
    client.force_login(people["priya"])
    response = client.get(INSIGHT)
    assert response.status_code == 200
    html = response.content.decode()
    for chart in ("declarations-by-month", "cases-by-month", "outcomes-by-month", "annual-confirmations"):
        assert f'id="{chart}-empty"' in html, chart
    declared = bars(response, "declared_chart")
    assert len(declared) == 12 and set(declared.values()) == {"0 (0 late)"}
    assert list(declared)[-1] == "Mar 2026" and list(declared)[0] == "Apr 2025"
    assert set(bars(response, "timeliness_chart").values()) == {"none due yet"}


def test_declarations_and_cases_by_month(client, people, acme, time_machine):
    declare(people["alice"], counterparty_organisation=acme, counterparty_name="")
    declare(people["bob"], arose_on=datetime.date(2025, 12, 1))  # months after it arose: late
    Declaration.objects.filter(declarant=people["bob"]).update(
        first_submitted_at=timezone.make_aware(datetime.datetime(2026, 1, 15, 12))
    )
    informal = triage(report(reporter=people["alice"]), people["priya"])
    respond(informal, people["bob"])
    decide(informal, people["priya"], outcome="resolved_informally")
    breaches.breach_case_close(  # which acknowledges it, the same day
        case=informal, expected_version=fresh(informal).version, actor=people["priya"], feedback="Resolved."
    )
    report(reporter=people["alice"], about=people["alice"].partner.organisation)

    client.force_login(people["priya"])
    response = client.get(INSIGHT)
    declared = bars(response, "declared_chart")
    assert (declared["Jan 2026"], declared["Mar 2026"], declared["Feb 2026"]) == (
        "1 (1 late)",
        "1 (0 late)",
        "0 (0 late)",
    )
    late = bars(response, "late_chart")
    assert (late["Jan 2026"], late["Mar 2026"], late["Feb 2026"]) == ("100%", "0%", "none made")
    assert bars(response, "cases_chart")["Mar 2026"] in (
        "1 informal, 1 not yet triaged",
        "1 not yet triaged, 1 informal",
    )
    assert bars(response, "outcomes_chart")["Mar 2026"] == "1 upheld and resolved informally"
    # The tables carry the same figures as the charts.
    html = response.content.decode()
    row = '<th scope="row" class="govuk-table__header">Jan 2026</th><td class="govuk-table__cell">1 (1 late)</td>'
    assert row in html

    # A month on, both acknowledgements have fallen due: one was made on the day, one is missed.
    time_machine.move_to(timezone.now() + datetime.timedelta(days=30))
    client.force_login(people["priya"])
    measures = {row.name: row for row in client.get(INSIGHT).context["timeliness"]}
    acknowledged = measures["Acknowledged"]
    assert (acknowledged.due, acknowledged.met) == (2, 1) and acknowledged.median_days == 0


def test_the_annual_report_counts_the_year_and_names_no_one(client, people, acme):
    declare(people["alice"], counterparty_organisation=acme, counterparty_name="")
    declare(people["bob"], nil=True)
    case = triage(report(reporter=people["alice"], respondent_person_name="Bob Brown"), people["priya"])
    respond(case, people["bob"])
    decide(case, people["priya"], outcome="resolved_informally", lessons="Bob Brown of Northfield should ask first.")
    published = triage(report(reporter=people["alice"], about=people["alice"].partner.organisation), people["priya"])
    respond(published, people["alice"])
    decide(published, people["priya"], outcome="not_upheld")
    breaches.breach_case_publish(
        case=published,
        expected_version=fresh(published).version,
        actor=people["priya"],
        summary="A member was said to have shared figures.",
        lessons="Papers now say what is confidential.",
    )

    client.force_login(people["priya"])
    response = client.get(REPORT)
    report_ = response.context["report"]
    assert (report_.organisations, report_.partners, report_.declarations, report_.nil_declarations) == (3, 3, 2, 1)
    assert dict(report_.declarations_by_kind)["Financial"] == 1
    assert report_.cases_reported == 2 and dict(report_.cases_by_outcome)["Not upheld"] == 1
    assert report_.decided_not_published == 1
    html = response.content.decode()
    assert "Papers now say what is confidential." in html
    assert "1 other case decided in 2026 is not published" in html

    pdf = client.get(REPORT.rstrip("/") + ".pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Annual report 2026" in text and "Papers now say what is confidential." in text
    assert "Declarations made in 2026" in text
    for words in (html, text):
        for name in ("Alice", "Bob Brown", "Northfield", "Riverside", "ask first", fresh(case).reference):
            assert name not in words, name


def test_who_sees_the_reports(client, people, ada, coalition):
    for person, insight, annual in (("alice", 403, 403), ("pam", 403, 403)):
        client.force_login(people[person])
        assert (client.get(INSIGHT).status_code, client.get(REPORT).status_code) == (insight, annual)
    client.force_login(ada)
    assert client.get(f"/reports/{coalition.slug}/").status_code == 200
    assert client.get("/reports/health-creation-alliance/2019/").status_code == 404
    assert client.get("/reports/health-creation-alliance/2027/").status_code == 404
    client.force_login(people["priya"])
    assert client.get(f"/reports/{coalition.slug}/").status_code == 404  # not hers
    index = client.get("/reports/").content.decode()
    assert INSIGHT in index and REPORT in index
    assert BreachCase.objects.count() == 0


@pytest.mark.parametrize("url", [INSIGHT, REPORT])
def test_the_reports_take_as_many_queries_for_many_records_as_for_few(client, people, acme, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for _ in range(count):
            declare(people["alice"], counterparty_organisation=acme, counterparty_name="")
            case = triage(report(reporter=people["alice"]), people["priya"])
            breaches.breach_case_withdraw(
                case=case, expected_version=fresh(case).version, actor=people["priya"], reason="A duplicate."
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(people["priya"])
    add(1)
    few = queries()
    add(6)
    assert few == queries()


def test_a_case_dated_after_this_month_stays_off_the_charts(client, people):
    future = report(reporter=people["alice"])
    BreachCase.objects.filter(pk=future.pk).update(reported_at=timezone.now() + datetime.timedelta(days=60))
    client.force_login(people["priya"])
    response = client.get(INSIGHT)
    assert response.status_code == 200
    assert sum(row.reported for row in response.context["cases"]) == 0


def test_the_median_days_taken_is_the_middle_case_or_halfway_between_the_two_middle_ones():
    from reports.selectors import _median

    assert _median([]) is None
    assert _median([(4, 1)]) == 4
    assert _median([(0, 2), (9, 1)]) == 0  # 0, 0, 9
    assert _median([(10, 1), (1, 1)]) == 5.5  # 1, 10
    assert _median([(2, 3), (7, 3)]) == 4.5  # 2, 2, 2, 7, 7, 7


def test_a_date_after_this_month_leaves_the_charts_of_the_last_12_months_as_they_were(client, people):
    """A record dated ahead of the server's clock (another server's clock, or a date mistyped
    in an import) once made the page fail."""
    case = triage(report(reporter=people["alice"]), people["priya"])
    respond(case, people["bob"])
    decide(case, people["priya"], outcome="resolved_informally")
    BreachCase.objects.filter(pk=case.pk).update(decided_at=timezone.now() + datetime.timedelta(days=40))
    declare(people["alice"])
    Declaration.objects.update(first_submitted_at=timezone.now() + datetime.timedelta(days=40))

    client.force_login(people["priya"])
    response = client.get(INSIGHT)
    assert response.status_code == 200
    assert set(bars(response, "outcomes_chart").values()) == {"0"}
    assert set(bars(response, "declared_chart").values()) == {"0 (0 late)"}
