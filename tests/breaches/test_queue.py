"""The programme manager's queue: open cases by status, track and age, overdue
ones highlighted, filters and pages of 50 (its queries: test_query_counts.py)."""

import datetime

import pytest

from breaches import services
from breaches.models import BreachCase, BreachPolicy
from tests.breaches.conftest import NOW, report, triage

pytestmark = pytest.mark.django_db

QUEUE = "/breaches/cases/"


def make_cases(count: int, people) -> None:
    for number in range(count):
        case = report(
            reporter=people["alice"] if number % 2 else None, identity="anonymous" if not number % 2 else "confidential"
        )
        if number % 3 == 0:
            triage(case, people["priya"], severity="serious" if number % 2 else "minor")


def test_the_queue_is_paged_fifty_at_a_time(client, people):
    make_cases(51, people)
    client.force_login(people["priya"])
    first = client.get(QUEUE)
    assert len(first.context["page"].object_list) == 50 and "51 cases" in first.content.decode()
    second = client.get(QUEUE + "?page=2")
    assert len(second.context["page"].object_list) == 1
    assert client.get(QUEUE + "?page=99").context["page"].number == 2


def test_filters_by_status_track_and_partnership(client, people, coalition):
    informal = triage(report(reporter=people["alice"]), people["priya"])
    formal = triage(
        report(reporter=people["alice"], about=people["alice"].partner.organisation),
        people["priya"],
        severity="serious",
    )
    waiting = report(reporter=people["bob"], about=people["alice"].partner.organisation)
    client.force_login(people["ada"])

    def shown(query=""):
        return {case.pk for case in client.get(QUEUE + query).context["page"].object_list}

    assert shown() == {informal.pk, formal.pk, waiting.pk}
    assert shown("?status=reported") == {waiting.pk}
    assert shown("?track=formal") == {formal.pk}
    assert shown(f"?partnership={coalition.pk}") == set()
    assert shown("?status=nonsense") == {informal.pk, formal.pk, waiting.pk}  # a bad value is ignored, not an error
    services.breach_case_withdraw(
        case=waiting, expected_version=waiting.version, actor=people["priya"], reason="Duplicate."
    )
    assert waiting.pk not in shown() and shown("?status=withdrawn") == {waiting.pk}


def test_overdue_triage_is_highlighted_and_filtered_counting_working_days(client, people, time_machine):
    case = report(reporter=people["alice"])  # Wednesday 18 March: due Wednesday 25 March
    assert case.triage_due_on == datetime.date(2026, 3, 25)
    time_machine.move_to(datetime.datetime(2026, 3, 25, 17, 0, tzinfo=datetime.UTC), tick=True)
    client.force_login(people["priya"])
    assert "Triage overdue</strong>" not in client.get(QUEUE).content.decode()
    assert not client.get(QUEUE + "?overdue=triage").context["page"].object_list
    time_machine.move_to(datetime.datetime(2026, 3, 26, 9, 0, tzinfo=datetime.UTC), tick=True)
    client.force_login(people["priya"])  # a session lasts a working day
    assert "Triage overdue</strong>" in client.get(QUEUE).content.decode()
    assert [c.pk for c in client.get(QUEUE + "?overdue=triage").context["page"].object_list] == [case.pk]


def test_the_triage_target_is_the_partnerships_to_set_in_working_days(people, alliance):
    BreachPolicy.objects.create(
        partnership=alliance, triage_target_working_days=3, acknowledgement_days=2, feedback_months=1
    )
    case = report(reporter=people["alice"])  # Wednesday 18 March: three working days is Monday 23 March
    assert (case.triage_due_on, case.acknowledge_due_on, case.feedback_due_on) == (
        datetime.date(2026, 3, 23),
        datetime.date(2026, 3, 20),
        datetime.date(2026, 4, 18),
    )


def test_cases_about_to_miss_acknowledgement_or_feedback_are_shown(client, people, time_machine):
    case = triage(report(reporter=people["alice"]), people["priya"])
    time_machine.move_to(NOW + datetime.timedelta(days=5), tick=True)  # acknowledgement due in 2 days
    client.force_login(people["priya"])
    body = client.get(QUEUE).content.decode()
    assert "Acknowledge</strong> by 25 Mar" in body
    assert [c.pk for c in client.get(QUEUE + "?overdue=any").context["page"].object_list] == [case.pk]
    services.breach_case_message_reporter(case=case, actor=people["priya"], kind="acknowledgement", text="We have it.")
    assert "Acknowledge</strong>" not in client.get(QUEUE).content.decode()

    time_machine.move_to(NOW + datetime.timedelta(days=80), tick=True)  # feedback due 18 June, in 12 days
    client.force_login(people["priya"])
    assert "Feedback</strong> by 18 Jun" in client.get(QUEUE).content.decode()
    services.breach_case_message_reporter(
        case=case, actor=people["priya"], kind="feedback", text="Being resolved informally."
    )
    assert "Feedback</strong>" not in client.get(QUEUE).content.decode()
    assert not client.get(QUEUE + "?overdue=any").context["page"].object_list


def test_a_panel_member_sees_only_the_formal_cases(client, people):
    triage(report(reporter=people["alice"]), people["priya"])
    formal = triage(
        report(reporter=people["alice"], about=people["alice"].partner.organisation),
        people["priya"],
        severity="serious",
    )
    client.force_login(people["pam"])
    assert [c.pk for c in client.get(QUEUE).context["page"].object_list] == [formal.pk]
    assert BreachCase.objects.count() == 2


def test_the_cases_download_as_csv_without_who_reported_them(client, people):
    from tests.breaches.conftest import report

    case = report(reporter=people["alice"])
    client.force_login(people["priya"])
    response = client.get("/breaches/cases.csv", {"status": "reported"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    header, row = body.strip().splitlines()
    assert header.startswith("Reference,Partnership,Respondent organisation,Status")
    assert row.startswith(f"{case.reference},The Health Creation Alliance,Northfield Wellbeing Trust,Reported")
    assert "Alice" not in body and "alice@example.org" not in body
    client.force_login(people["alice"])
    assert client.get("/breaches/cases.csv").status_code == 403


def test_the_queue_counts_cases_by_status_and_by_age_within_the_other_filters(client, people, time_machine):
    old = report(reporter=people["alice"])
    time_machine.move_to(NOW + datetime.timedelta(days=10))
    triaged = triage(report(reporter=people["alice"]), people["priya"])
    time_machine.move_to(NOW + datetime.timedelta(days=30))
    recent = report(reporter=people["bob"], about=people["alice"].partner.organisation)
    services.breach_case_withdraw(case=old, expected_version=old.version, actor=people["priya"], reason="Duplicate.")
    client.force_login(people["priya"])

    response = client.get(QUEUE)
    statuses = {tally.value: tally.count for tally in response.context["status_tallies"]}
    # Every case is counted by status, the withdrawn one too, though the queue lists open ones.
    assert (statuses["reported"], statuses[triaged.status], statuses["withdrawn"], statuses["closed"]) == (1, 1, 1, 0)
    ages = {tally.value: tally.count for tally in response.context["age_tallies"]}
    assert ages == {"week": 1, "month": 1, "older": 0}  # the open cases, as listed
    assert {case.pk for case in client.get(QUEUE + "?age=week").context["page"]} == {recent.pk}

    reported = client.get(QUEUE + "?status=reported")
    ages = {tally.value: tally.count for tally in reported.context["age_tallies"]}
    assert ages == {"week": 1, "month": 0, "older": 0}
    html = reported.content.decode()
    assert '<a class="govuk-link" href="?status=reported&amp;age=week">This week or less: 1</a>' in html
    assert "<strong>Reported: 1</strong>" in html
