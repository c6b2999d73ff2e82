"""'Continued' is computed, not guessed: the same respondent has a breach
upheld within the partnership's window (24 months unless it says otherwise)
or another open case."""

import datetime

import pytest

from breaches import selectors, services
from breaches.models import BreachPolicy
from conduct.models import Membership, Principle
from tests.breaches.conftest import NOW, decide, fresh, report, respond, triage

pytestmark = pytest.mark.django_db


def decided_case(people, *, outcome="resolved_informally", about=None, reporter="alice", respondent="bob"):
    case = report(reporter=people[reporter], about=about)
    triage(case, people["priya"])
    respond(case, people[respondent])
    return decide(case, people["priya"], outcome=outcome)


def close(case, people):
    services.breach_case_close(case=case, expected_version=fresh(case).version, actor=people["priya"], feedback="Done.")


def test_a_first_case_is_not_continued(people):
    history = selectors.respondent_history(report(reporter=people["alice"]))
    assert (history.continued, history.cases) == (False, [])
    assert history.explanation == "No breach upheld in the last 24 months and no other open case."


def test_a_breach_upheld_within_the_window_makes_the_next_one_continued(people, time_machine):
    earlier = decided_case(people)
    close(earlier, people)
    time_machine.move_to(NOW + datetime.timedelta(days=700), tick=True)  # 23 months on
    history = selectors.respondent_history(report(reporter=people["alice"], incident_date=datetime.date(2028, 2, 1)))
    assert history.continued and history.upheld_recently == [fresh(earlier)]
    assert history.explanation == f"Continued: a breach upheld in the last 24 months ({earlier.reference})."


def test_a_breach_upheld_before_the_window_does_not(people, time_machine):
    close(decided_case(people), people)
    time_machine.move_to(NOW + datetime.timedelta(days=740), tick=True)  # 24 months and more
    history = selectors.respondent_history(report(reporter=people["alice"], incident_date=datetime.date(2028, 3, 1)))
    assert not history.continued and len(history.cases) == 1


def test_the_window_is_the_partnerships_to_set(people, alliance, time_machine):
    BreachPolicy.objects.create(partnership=alliance, repeat_window_months=6)
    close(decided_case(people), people)
    time_machine.move_to(NOW + datetime.timedelta(days=200), tick=True)
    history = selectors.respondent_history(report(reporter=people["alice"], incident_date=datetime.date(2026, 10, 1)))
    assert not history.continued
    assert history.explanation == "No breach upheld in the last 6 months and no other open case."


def test_a_breach_not_upheld_does_not_count(people):
    close(decided_case(people, outcome="not_upheld"), people)
    assert not selectors.respondent_history(report(reporter=people["alice"])).continued


def test_another_open_case_makes_it_continued_but_a_withdrawn_one_does_not(people):
    first = report(reporter=people["alice"])
    second = report(reporter=people["alice"])
    history = selectors.respondent_history(second)
    assert history.continued and history.open_cases == [first]
    services.breach_case_withdraw(
        case=first, expected_version=first.version, actor=people["priya"], reason="A duplicate."
    )
    assert not selectors.respondent_history(second).continued


def test_only_the_same_organisation_in_the_same_partnership_counts(people, coalition):
    riverside, northfield = people["alice"].partner.organisation, people["bob"].partner.organisation
    decided_case(people, about=riverside, reporter="bob", respondent="alice")  # another organisation
    Membership.objects.create(organisation=northfield, partnership=coalition, started_on=datetime.date(2024, 1, 1))
    report(
        reporter=people["alice"], partnership=coalition, cited_items=[], cited_principles=[Principle.objects.first()]
    )
    assert not selectors.respondent_history(report(reporter=people["alice"])).continued


def test_the_triage_page_shows_the_history_and_why_it_is_continued(client, people):
    earlier = decided_case(people)
    case = report(reporter=people["alice"])
    client.force_login(people["priya"])
    body = client.get(f"/breaches/cases/{case.pk}/triage/").content.decode()
    assert "Northfield Wellbeing Trust's other cases" in body
    assert earlier.reference in body and "Upheld and resolved informally" in body
    assert f"Continued: a breach upheld in the last 24 months ({earlier.reference})." in body


def formal_warning(people):
    case = report(reporter=people["alice"])
    triage(case, people["priya"], severity="serious")
    respond(case, people["bob"])
    return decide(case, people["pam"], outcome="formal_warning")


def test_a_formal_warning_counts_towards_continued_only_while_it_is_live(people, time_machine):
    warning = formal_warning(people)
    close(warning, people)
    time_machine.move_to(NOW + datetime.timedelta(days=330), tick=True)  # 11 months on: still live
    later = report(reporter=people["alice"], incident_date=datetime.date(2027, 2, 1))
    history = selectors.respondent_history(later)
    assert history.continued and history.upheld_recently == [fresh(warning)]
    services.breach_case_withdraw(case=later, expected_version=fresh(later).version, actor=people["priya"], reason="x")

    time_machine.move_to(NOW + datetime.timedelta(days=370), tick=True)  # past the 12 months a warning lasts
    history = selectors.respondent_history(report(reporter=people["alice"], incident_date=datetime.date(2027, 3, 1)))
    assert not history.continued and history.upheld_recently == []
    assert history.explanation == (
        "No breach upheld in the last 24 months and no other open case. "
        f"A formal warning that has lapsed ({warning.reference}) no longer counts."
    )


def test_the_partnership_sets_how_long_a_warning_lasts(people, alliance, time_machine):
    BreachPolicy.objects.create(partnership=alliance, warning_expiry_months=3)
    warning = formal_warning(people)
    close(warning, people)
    time_machine.move_to(NOW + datetime.timedelta(days=100), tick=True)
    history = selectors.respondent_history(report(reporter=people["alice"], incident_date=datetime.date(2026, 6, 1)))
    assert not history.continued
