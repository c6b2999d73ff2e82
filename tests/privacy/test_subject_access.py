"""Subject access: an administrator records a person's request, sees it with its one-month
deadline, and produces everything Conduct holds about the person as a page and as JSON,
with other people's identities withheld (a reporter's above all); every export is audited.

Alice (Riverside) reports a concern about Northfield, where Bob is a partner; Priya
handles it; Ada administers Conduct."""

import datetime
import json

import pytest
import time_machine

from conduct import services as conduct_services
from conduct.audit_log import audit_chain_verify
from conduct.models import AuditEntry, Code
from declarations import services as declaration_services
from privacy import services
from privacy.models import SubjectAccessRequest
from tests.breaches.conftest import TODAY, report, triage

pytestmark = pytest.mark.django_db

REQUESTS = "/privacy/subject-access/"
NEW = "/privacy/subject-access/new/"


def record(*, subject, actor, received_on=TODAY) -> SubjectAccessRequest:
    return services.subject_access_request_record(
        subject=subject, asked_by="The person themselves", received_on=received_on, actor=actor
    )


def new_request_data(email="bob@example.org", *, day=18, month=3, year=2026) -> dict:
    return {
        "email": email,
        "asked_by": "Bob himself, by email",
        "received_on_0": day,
        "received_on_1": month,
        "received_on_2": year,
    }


def a_case_bob_has_been_told_about(people):
    """Alice reports Northfield confidentially, with her own words; Priya triages it, so
    Northfield is told; Bob responds; Priya asks Alice a question."""
    case = report(
        reporter=people["alice"],
        description="Bob Brown read out the figures at the March meeting in front of Zeta Witness.",
        incident_place="The Riverside boardroom, beside Alice's desk",
    )
    case = triage(case, people["priya"])
    from breaches import services as breach_services

    breach_services.breach_case_respond(case=case, actor=people["bob"], text="Bob's answer: nothing was shared.")
    return case


def export_json(client, sar) -> dict:
    response = client.get(f"/privacy/subject-access/{sar.pk}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="subject-access-request-{sar.pk}.json"'
    return json.loads(response.content)


def section(export: dict, key: str) -> list:
    return next(part["records"] for part in export["sections"] if part["key"] == key)


def test_an_administrator_records_a_request_due_one_month_after_it_was_received(client, people):
    client.force_login(people["ada"])
    response = client.post(NEW, new_request_data(day=31, month=1))
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == sar.get_absolute_url()
    assert (sar.subject, sar.asked_by, sar.received_on) == (
        people["bob"],
        "Bob himself, by email",
        datetime.date(2026, 1, 31),
    )
    assert sar.due_on == datetime.date(2026, 2, 28)  # a calendar month, ending on the month's last day
    assert (sar.recorded_by, sar.status) == (people["ada"], "open")
    entry = AuditEntry.objects.get(action="subject_access.requested")
    assert (entry.actor, entry.subject_id) == (people["ada"], str(sar.pk))

    page = client.get(response["Location"]).content.decode()
    assert "Request recorded. Answer it by 28 February 2026." in page
    assert "Bob himself, by email" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (new_request_data(email=""), "Enter the email address of the person the request is about"),
        (new_request_data(email="nobody@example.org"), "Nobody in Conduct has this email address"),
        ({**new_request_data(), "asked_by": ""}, "Enter who made the request"),
        (new_request_data(day=19), "The date the request was received must be today or in the past"),
        (new_request_data(day=31, month=2), "The date the request was received must be a real date"),
    ],
)
def test_a_bad_request_is_explained_in_an_error_summary_and_nothing_is_recorded(client, people, data, message):
    client.force_login(people["ada"])
    response = client.post(NEW, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert not SubjectAccessRequest.objects.exists()
    assert not AuditEntry.objects.filter(action="subject_access.requested").exists()


def test_open_requests_are_listed_soonest_due_first_with_those_overdue_flagged(client, people):
    late = record(subject=people["bob"], actor=people["ada"], received_on=datetime.date(2026, 2, 10))
    later = record(subject=people["alice"], actor=people["ada"], received_on=datetime.date(2026, 3, 1))
    answered = record(subject=people["charlie"], actor=people["ada"])
    services.subject_access_request_answer(request=answered, actor=people["ada"])
    client.force_login(people["ada"])

    body = client.get(REQUESTS).content.decode()

    open_part, answered_part = body.split("Answered recently")
    assert open_part.index("Bob Brown") < open_part.index("Alice Adams")
    assert "10 March 2026" in open_part and "Overdue" in open_part and "1 April 2026" in open_part
    assert open_part.count("Overdue") == 1 and late.due_on < TODAY < later.due_on
    assert "Charlie Cole" in answered_part and "Charlie Cole" not in open_part


def test_the_person_a_case_is_about_never_learns_who_reported_it(client, people):
    case = a_case_bob_has_been_told_about(people)
    sar = record(subject=people["bob"], actor=people["ada"])
    client.force_login(people["ada"])

    page = client.get(f"/privacy/subject-access/{sar.pk}/export/").content.decode()
    download = json.dumps(export_json(client, sar))

    for export in (page, download):
        assert case.reference in export
        assert "figures shared in confidence were passed to a supplier" in export  # what he was told
        assert "nothing was shared" in export  # his own response
        for reporter_trace in ("Alice", "alice", "Adams", "Zeta Witness", "boardroom", "read out the figures"):
            assert reporter_trace not in export, reporter_trace
        assert "Priya" not in export and "priya" not in export
    about_bob = section(export_json(client, sar), "cases_about_you")
    assert about_bob[0]["Reported by"] == "Withheld: this would identify another person"
    assert about_bob[0]["Reported on"] == "2026-03-18"  # the day, not the minute


def test_a_reporter_gets_their_own_words_back_but_not_who_handled_the_case(client, people):
    case = a_case_bob_has_been_told_about(people)
    from breaches import services as breach_services

    breach_services.breach_case_message_reporter(
        case=case, actor=people["priya"], kind="question", text="Which meeting was it?"
    )
    sar = record(subject=people["alice"], actor=people["ada"])
    client.force_login(people["ada"])

    export = export_json(client, sar)

    [reported] = section(export, "cases_reported")
    assert reported["What you told us"].startswith("Bob Brown read out the figures")
    assert reported["Case"] == case.reference
    assert [(m["From"], m["Text"]) for m in reported["Messages"]] == [
        ("Someone handling the case", "Which meeting was it?")
    ]
    text = json.dumps(export)
    assert "Priya" not in text and "Patel" not in text and "Bob's answer" not in text
    assert section(export, "account")[0]["Email address"] == "alice@example.org"


def test_the_export_holds_the_persons_signatures_declarations_and_roles(client, people, alliance):
    alice = people["alice"]
    version = Code.objects.get(slug="health-creation-alliance").versions.get(status="published")
    conduct_services.signature_record(partner=alice.partner, version=version, typed_name="Alice Adams")
    declaration = declaration_services.declaration_start(actor=alice, partnership=alliance, is_nil=True)
    declaration_services.declaration_submit(declaration=declaration, actor=alice, note="Nothing to declare.")
    declaration_services.declaration_return(declaration=declaration, actor=people["priya"], question="Sure?")
    sar = record(subject=alice, actor=people["ada"])
    client.force_login(people["ada"])

    export = export_json(client, sar)

    [signature] = section(export, "signatures")
    assert (signature["Name typed"], signature["Version"]) == ("Alice Adams", "October 2023")
    [declared] = section(export, "declarations")
    assert [(event["What"], event["By"]) for event in declared["History"]][-1] == (
        "Returned with a question",
        "A reviewer",
    )
    assert declared["History"][-1]["Note"] == "Sure?"
    assert section(export, "roles") == []
    page = client.get(f"/privacy/subject-access/{sar.pk}/export/").content.decode()
    assert "Codes you signed" in page and "Alice Adams" in page and "Nothing held." in page


def test_every_export_is_in_the_audit_log_and_the_requests_history(client, people):
    sar = record(subject=people["bob"], actor=people["ada"])
    client.force_login(people["ada"])

    client.get(f"/privacy/subject-access/{sar.pk}/export/")
    client.get(f"/privacy/subject-access/{sar.pk}/export.json")

    exports = AuditEntry.objects.filter(action="subject_access.exported").order_by("sequence")
    assert [(entry.actor, entry.subject_id) for entry in exports] == [(people["ada"], str(sar.pk))] * 2
    assert [entry.summary.rsplit(" ", 1)[-1] for entry in exports] == ["HTML", "JSON"]
    history = client.get(sar.get_absolute_url()).content.decode()
    assert history.count(f"Everything held about user {people['bob'].pk} exported as") == 2
    assert audit_chain_verify() == []


def test_the_export_pages_are_never_kept_by_the_browser(client, people):
    sar = record(subject=people["bob"], actor=people["ada"])
    client.force_login(people["ada"])
    for url in (sar.get_absolute_url(), f"{sar.get_absolute_url()}export/", f"{sar.get_absolute_url()}export.json"):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_answering_needs_a_confirmation_and_is_recorded(client, people):
    sar = record(subject=people["bob"], actor=people["ada"])
    client.force_login(people["ada"])

    refused = client.post(sar.get_absolute_url(), {})
    assert "Confirm that the export has been sent" in refused.content.decode()
    sar.refresh_from_db()
    assert sar.status == "open"

    with time_machine.travel(datetime.datetime(2026, 4, 20, 9, 0, tzinfo=datetime.UTC)):
        client.force_login(people["ada"])  # a month on, the first session has long expired
        response = client.post(sar.get_absolute_url(), {"confirm": "on"})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert (sar.status, sar.answered_by) == ("answered", people["ada"])
    entry = AuditEntry.objects.get(action="subject_access.answered")
    assert "after its due date 2026-04-18" in entry.summary
    services.subject_access_request_answer(request=sar, actor=people["ada"])  # again: nothing changes
    assert AuditEntry.objects.filter(action="subject_access.answered").count() == 1


@pytest.mark.parametrize("who", ["alice", "bob", "priya", "pam"])
def test_only_administrators_see_requests_or_exports(client, people, who):
    sar = record(subject=people["bob"], actor=people["ada"])
    client.force_login(people[who])
    for url in (REQUESTS, NEW, sar.get_absolute_url(), f"{sar.get_absolute_url()}export/"):
        assert client.get(url).status_code == 403
    assert client.get(f"{sar.get_absolute_url()}export.json").status_code == 403
    assert not AuditEntry.objects.filter(action="subject_access.exported").exists()
