"""Every breaches list page runs the same number of SQL queries at 5 rows as at 500.

The cases go straight into the tables in bulk, so that 500 take a moment. They differ
in partnership, respondent, reporter (an account, a name, or anonymous), status, track,
deadlines and the principles they cite, so that a query made once a row shows."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from breaches.models import BreachCase, PublishedCase
from conduct.models import CodeVersion, Item, Membership, Organisation, Principle

from .conftest import NOW

pytestmark = pytest.mark.django_db

OPEN = ("reported", "informal", "formal")
FINISHED = ("decided", "closed")
TRACKS = {"informal": "informal", "formal": "formal"}
OUTCOMES = {
    "informal": ("not_upheld", "resolved_informally"),
    "formal": ("formal_warning", "not_upheld", "suspension", "termination"),
}
REFERENCE = re.compile(r">BC-[0-9A-Z]{5}-[0-9A-Z]{5}<")


def add_organisations(count: int, partnership) -> list[Organisation]:
    start = Organisation.objects.count()
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Respondent {n:04}", slug=f"respondent-{n:04}") for n in range(start, start + count)
    )
    Membership.objects.bulk_create(
        Membership(organisation=organisation, partnership=partnership, started_on=datetime.date(2024, 1, 1))
        for organisation in organisations
    )
    return organisations


def _case(n: int, *, partnership, version, respondent, reporter, state, handler) -> BreachCase:
    today = timezone.localdate()
    case = BreachCase(
        partnership=partnership,
        respondent_organisation=respondent,
        code_version=version,
        respondent_person_name="" if n % 2 else f"Person {n:04}",
        incident_date=today - datetime.timedelta(days=10 + n % 30),
        incident_place="The partnership meeting",
        description=f"Concern number {n}",
        confidentiality_breach=n % 4 == 1,
        # Each case is older than the one before, so the newest rows head the queue (oldest first).
        reported_at=NOW - datetime.timedelta(days=1, minutes=n),
        triage_due_on=today + datetime.timedelta(days=-3 if n % 4 == 0 else 3),
        acknowledge_due_on=today + datetime.timedelta(days=n % 10 - 2),
        feedback_due_on=today + datetime.timedelta(days=n % 90),
        acknowledged_at=NOW if n % 3 == 0 else None,
        status=state,
    )
    if reporter is not None:
        case.identity, case.reporter = "confidential", reporter
    elif n % 2:
        case.identity, case.reporter_name, case.reporter_email = (
            "confidential",
            f"Reporter {n:04}",
            f"reporter{n:04}@example.org",
        )
        case.receipt_code_sha256 = f"{n:064x}"
    else:
        case.identity, case.receipt_code_sha256 = "anonymous", f"{n:064x}"
    if state in ("reported", "withdrawn"):
        return case
    case.track = TRACKS.get(state) or ("informal", "formal")[n % 2]
    case.severity, case.deliberate = ("minor", "serious")[case.track == "formal"], ("yes", "no", "not_known")[n % 3]
    case.continued = n % 5 == 0
    case.respondent_summary = "It is said that figures shared in confidence were passed on."
    case.triaged_at = case.respondent_notified_at = NOW - datetime.timedelta(hours=20)
    case.response_due_on = today + datetime.timedelta(days=n % 20 - 5)
    case.decision_due_on = today + datetime.timedelta(days=n % 14 - 4)
    if state in FINISHED:
        outcomes = OUTCOMES[case.track]
        case.outcome = outcomes[n % len(outcomes)]
        case.suspended_until = today + datetime.timedelta(days=90) if case.outcome == "suspension" else None
        case.finding, case.reasons = "The figures were shared.", "The minutes agree."
        case.wider_causes, case.lessons = f"Cause {n:04}", f"Lesson {n:04}"
        # Each decision newer than the one before: the lessons list the newest first.
        case.decided_at, case.decided_by = NOW - datetime.timedelta(hours=10) + datetime.timedelta(seconds=n), handler
    if state == "closed":
        case.feedback_given_at = NOW
    return case


def add_cases(count: int, *, partnerships, states, reporters, handler, respondents=None) -> list[BreachCase]:
    """Cases in the states given in turn; the partnership changes every five, the
    respondent (one of the partnership's members unless given) and reporter every one."""
    start = BreachCase.objects.count()
    versions = {
        partnership.pk: CodeVersion.objects.filter(code_id=partnership.code_id, status="published")
        .order_by("-number")
        .first()
        for partnership in partnerships
    }
    members = {
        partnership.pk: respondents
        or list(Organisation.objects.filter(memberships__partnership=partnership).order_by("pk"))
        for partnership in partnerships
    }
    cases = []
    for n in range(start, start + count):
        partnership = partnerships[n // 5 % len(partnerships)]
        cases.append(
            _case(
                n,
                partnership=partnership,
                version=versions[partnership.pk],
                respondent=members[partnership.pk][n % len(members[partnership.pk])],
                reporter=reporters[n % len(reporters)],
                state=states[n % len(states)],
                handler=handler,
            )
        )
    cases = BreachCase.objects.bulk_create(cases)
    principles = list(Principle.objects.order_by("position"))
    Cited = BreachCase.cited_principles.through
    Cited.objects.bulk_create(
        Cited(breachcase_id=case.pk, principle_id=principles[(case.pk + k) % len(principles)].pk)
        for case in cases
        for k in range(case.pk % 3)
    )
    return cases


def queries_for(client, url: str) -> tuple[int, str]:
    """How many queries the page took, and what it showed."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    return len(captured), body.decode()


@pytest.fixture
def respondents(alliance, westbrook, people):
    """The Alliance's members, Bob's Northfield among them, and many more; not Alice's Riverside, nor
    Pam's Westbrook (she handles no case about the organisation she works for)."""
    add_organisations(20, alliance)
    return list(
        Organisation.objects.filter(memberships__partnership=alliance).exclude(
            partners__user__in=[people["alice"], people["pam"]]
        )
    )


# --- Those who handle cases ----------------------------------------------------------------


@pytest.mark.parametrize(
    "who, states",
    [("priya", OPEN), ("ada", OPEN), ("pam", ("formal",))],
    ids=["programme manager", "administrator", "panel member"],
)
def test_the_queue_takes_as_many_queries_for_500_cases_as_for_5(
    client, people, respondents, alliance, coalition, who, states
):
    client.force_login(people[who])
    made = []

    def add(count):
        made.extend(
            add_cases(
                count,
                partnerships=[alliance, coalition],
                states=states,
                handler=people["priya"],
                reporters=[people["alice"], None, people["bob"], None, people["pam"]],
                respondents=respondents,
            )
        )
        return [case for case in made if who == "ada" or case.partnership_id == alliance.pk]

    add(5)
    few, page = queries_for(client, "/breaches/cases/")
    assert len(REFERENCE.findall(page)) == 5
    shown = add(495)
    many, page = queries_for(client, "/breaches/cases/")
    assert (
        client.get("/breaches/cases/").context["page"].paginator.count == len(shown) == (500 if who == "ada" else 250)
    )
    assert len(REFERENCE.findall(page)) == 50 and f">{shown[-1].reference}<" in page
    assert few == many, f"the queue for {who}: {few} queries for 5 cases, {many} for 500"
    assert many <= 12
    assert queries_for(client, "/breaches/cases/?status=formal&overdue=any")[0] <= many


def test_the_queue_download_takes_as_many_queries_for_500_cases_as_for_5(client, people, respondents, alliance):
    client.force_login(people["priya"])

    def add(count):
        return add_cases(
            count, partnerships=[alliance], states=OPEN, handler=people["priya"], reporters=[people["alice"], None]
        )

    add(5)
    few, download = queries_for(client, "/breaches/cases.csv")
    assert len(list(csv.reader(io.StringIO(download)))) == 1 + 5
    newest = add(495)[-1]
    many, download = queries_for(client, "/breaches/cases.csv")
    rows = list(csv.reader(io.StringIO(download)))
    assert len(rows) == 1 + 500 and newest.reference in {row[0] for row in rows}
    assert few == many, f"the queue's CSV: {few} queries for 5 cases, {many} for 500"


def test_the_lessons_take_as_many_queries_for_500_cases_as_for_5(client, people, respondents, alliance, coalition):
    client.force_login(people["priya"])
    made = []

    def add(count):
        made.extend(
            add_cases(
                count,
                partnerships=[alliance, coalition],
                states=FINISHED,
                handler=people["priya"],
                reporters=[people["alice"], None, people["bob"]],
            )
        )
        return [case for case in made if case.partnership_id == alliance.pk]

    add(5)
    few, page = queries_for(client, "/breaches/lessons/")
    assert page.count("Lesson 0") == 5
    shown = add(495)
    many, page = queries_for(client, "/breaches/lessons/")
    listed = client.get("/breaches/lessons/").context
    assert listed["page"].paginator.count == len(shown) == 250 and sum(count for _, count in listed["outcomes"]) == 250
    assert page.count("Lesson 0") == 50 and shown[-1].lessons in page
    assert few == many, f"/breaches/lessons/: {few} queries for 5 cases, {many} for 500"


def test_the_anonymised_register_takes_as_many_queries_for_500_entries_as_for_5(client, people, alliance):
    def publish(count):
        cases = add_cases(count, partnerships=[alliance], states=FINISHED, handler=people["priya"], reporters=[None])
        entries = PublishedCase.objects.bulk_create(
            PublishedCase(
                case=case,
                partnership=alliance,
                track=case.track,
                outcome=case.outcome,
                decided_in=case.decided_at.date().replace(day=1),
                summary=f"Summary {case.pk:05}",
                lessons=case.lessons,
                published_by=people["priya"],
            )
            for case in cases
        )
        item = Item.objects.filter(section__version=cases[0].code_version).first()
        PublishedCase.cited_items.through.objects.bulk_create(
            PublishedCase.cited_items.through(publishedcase=entry, item=item) for entry in entries
        )

    url = "/breaches/published/health-creation-alliance/"
    publish(5)
    few, page = queries_for(client, url)
    assert page.count("Summary ") == 5
    publish(495)
    many, page = queries_for(client, url)
    assert page.count("Summary ") == 50
    assert few == many, f"{url}: {few} queries for 5 entries, {many} for 500"


# --- Partners --------------------------------------------------------------------------------


def test_a_partners_own_cases_take_as_many_queries_for_500_as_for_5(client, people, respondents, alliance):
    """Half the concerns Alice reported, about others; half raised about her organisation, Riverside,
    whose contact she is (so she is told of those naming people with no account there)."""
    alice = people["alice"]
    client.force_login(alice)
    riverside = alice.partner.organisation
    riverside.contact = alice.partner
    riverside.save(update_fields=["contact"])

    def add(count):
        mine = add_cases(
            count - count // 2,
            partnerships=[alliance],
            states=OPEN + FINISHED + ("withdrawn",),
            handler=people["priya"],
            reporters=[alice],
            respondents=respondents,
        )
        about_us = add_cases(
            count // 2,
            partnerships=[alliance],
            states=("informal", "formal", "decided", "closed"),
            handler=people["priya"],
            reporters=[people["bob"], None, people["pam"]],
            respondents=[riverside],
        )
        return mine[-1], about_us[-1]

    add(5)
    few, page = queries_for(client, "/breaches/mine/")
    assert len(REFERENCE.findall(page)) == 5
    reported, concerning = add(495)
    many, page = queries_for(client, "/breaches/mine/")
    assert len(REFERENCE.findall(page)) == 500
    assert f">{reported.reference}<" in page and f">{concerning.reference}<" in page
    assert few == many, f"/breaches/mine/: {few} queries for 5 cases, {many} for 500"


# --- One case, as those handling it see it ---------------------------------------------------


def test_a_case_page_takes_as_many_queries_with_50_notes_and_reveals_as_with_1(client, people):
    from breaches import services

    from .conftest import report, triage

    case = triage(report(reporter=people["alice"]), people["priya"])
    client.force_login(people["priya"])

    def note(n):
        services.breach_case_note_add(case=case, actor=people["priya" if n % 2 else "ada"], text=f"Note {n:03}")

    note(1)
    services.breach_case_reporter_reveal(case=case, actor=people["priya"], reason="To ask about the date.")
    few, page = queries_for(client, case.get_absolute_url())
    assert "Note 001" in page and "Alice Adams" in page
    for n in range(2, 51):
        note(n)
    services.breach_case_reporter_reveal(case=case, actor=people["ada"], reason="To check the date too.")
    many, page = queries_for(client, case.get_absolute_url())
    assert "Note 050" in page
    assert few == many, f"the case page: {few} queries with 1 note, {many} with 50"
    # The note form reads nothing that grows with the case; the reveal form is as light.
    other = report(reporter=people["alice"])
    form = queries_for(client, f"{other.get_absolute_url()}notes/new/")[0]
    assert queries_for(client, f"{case.get_absolute_url()}notes/new/")[0] == form
    assert queries_for(client, f"{other.get_absolute_url()}reveal-reporter/")[0] <= form + 1
