"""Need to know. The respondent reads only what a handler wrote for them (penetration test,
finding 8); a confidential reporter's identity is held back even from those handling the case
until one of them reveals it for a recorded reason; handlers keep notes that only handlers see.

Alice reports Northfield (Bob's organisation) confidentially; Priya handles it.
"""

import pytest

from breaches import services
from conduct import services as conduct_services
from conduct.models import AuditEntry
from tests.breaches.conftest import report, triage

pytestmark = pytest.mark.django_db

PLACE = "Behind the pharmacy on Elm Street"
PERSON = "Barry Brewer"
WORDS = "He pushed the papers across the table at 11:15 and laughed"


@pytest.fixture
def told(people):
    """Alice's report, in her own words, triaged: Bob, Northfield's contact, has been told of it
    (it names someone with no account there)."""
    conduct_services.organisation_contact_set(
        organisation=people["bob"].partner.organisation, partner=people["bob"].partner, actor=people["priya"]
    )
    case = report(reporter=people["alice"], incident_place=PLACE, respondent_person_name=PERSON, description=WORDS)
    return triage(case, people["priya"])


# --- Finding 8: the respondent reads what a handler wrote for them ---------------------------------


def test_the_respondent_reads_the_summary_not_the_reporters_words(client, people, told):
    client.force_login(people["bob"])
    body = client.get(told.get_absolute_url()).content.decode()
    assert "It is said that figures shared in confidence were passed to a supplier." in body
    for reporters_words in (PLACE, PERSON, WORDS, "Elm Street"):
        assert reporters_words not in body


def test_the_respondent_sees_the_day_of_the_report_not_the_minute(client, people, told):
    client.force_login(people["bob"])
    body = client.get(told.get_absolute_url()).content.decode()
    assert "18 March 2026" in body
    assert "18 March 2026, 12:" not in body and "12:00" not in body


# --- The reporter's identity, revealed only to a handler who needs it -----------------------------


def test_a_handler_sees_a_confidential_reporter_until_she_reveals_them(client, people, told):
    client.force_login(people["priya"])
    body = client.get(told.get_absolute_url()).content.decode()
    assert "Confidential reporter" in body
    assert "Alice" not in body and "alice@example.org" not in body
    assert f'href="/breaches/cases/{told.pk}/reveal-reporter/"' in body


def test_revealing_needs_a_reason_and_shows_a_govuk_error(client, people, told):
    client.force_login(people["priya"])
    response = client.post(f"/breaches/cases/{told.pk}/reveal-reporter/", {"reason": "  "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Enter why you need to know who reported this concern" in body
    assert not told.events.filter(action="reveal").exists()


def test_a_reveal_is_in_the_history_and_the_audit_log_and_names_the_reporter_to_her_only(client, people, told):
    client.force_login(people["priya"])
    response = client.post(
        f"/breaches/cases/{told.pk}/reveal-reporter/", {"reason": "To check the date with the reporter."}
    )
    assert response.status_code == 302
    event = told.events.get(action="reveal")
    assert (event.actor, event.reason, event.from_status, event.to_status) == (
        people["priya"],
        "To check the date with the reporter.",
        "informal",
        "informal",
    )
    entry = AuditEntry.objects.get(action="breach_case.reveal", subject_id=str(told.pk))
    assert entry.actor == people["priya"] and entry.reason == "To check the date with the reporter."
    body = client.get(told.get_absolute_url()).content.decode()
    assert "Alice Adams (alice@example.org)" in body and "To check the date with the reporter." in body

    # Ada, handling the same case, still sees only that the reporter is confidential, and who revealed it.
    client.force_login(people["ada"])
    body = client.get(told.get_absolute_url()).content.decode()
    assert "Confidential reporter" in body and "alice@example.org" not in body
    assert "Priya Patel" in body


def test_revealing_twice_records_it_once(people, told):
    first = services.breach_case_reporter_reveal(case=told, actor=people["priya"], reason="To ask about the date.")
    again = services.breach_case_reporter_reveal(case=told, actor=people["priya"], reason="Again.")
    assert first == again and told.events.filter(action="reveal").count() == 1


def test_the_reporter_sees_that_a_reveal_happened_not_who(client, people, told):
    services.breach_case_reporter_reveal(case=told, actor=people["priya"], reason="To ask about the date.")
    client.force_login(people["alice"])
    body = client.get(told.get_absolute_url()).content.decode()
    assert "identity revealed to someone handling the case" in body
    assert "Priya" not in body and "To ask about the date." not in body


def test_the_respondent_does_not_see_the_reveal(client, people, told):
    services.breach_case_reporter_reveal(case=told, actor=people["priya"], reason="To ask about the date.")
    client.force_login(people["bob"])
    body = client.get(told.get_absolute_url()).content.decode()
    assert "revealed" not in body and "Alice" not in body


def test_nobody_but_a_handler_reveals_and_an_anonymous_report_has_nothing_to_reveal(client, people, told):
    for outsider in ("alice", "bob", "charlie"):
        with pytest.raises(services.BreachError, match="Only those handling this case"):
            services.breach_case_reporter_reveal(case=told, actor=people[outsider], reason="Curious.")
    anonymous = report(identity="anonymous")
    with pytest.raises(services.BreachError, match="anonymously"):
        services.breach_case_reporter_reveal(case=anonymous, actor=people["priya"], reason="Curious.")
    assert not told.events.filter(action="reveal").exists()


# --- Notes only handlers read -------------------------------------------------------------------


def test_handlers_keep_notes_that_the_reporter_and_respondent_never_see(client, people, told):
    client.force_login(people["priya"])
    response = client.post(f"/breaches/cases/{told.pk}/notes/new/", {"text": "Northfield's chair is on leave."})
    assert response.status_code == 302
    note = told.notes.get()
    assert (note.author, note.text) == (people["priya"], "Northfield's chair is on leave.")
    assert AuditEntry.objects.filter(action="breach_case.note", subject_id=str(told.pk)).exists()
    assert "Northfield&#x27;s chair is on leave." in client.get(told.get_absolute_url()).content.decode()

    client.force_login(people["ada"])
    assert "Northfield&#x27;s chair is on leave." in client.get(told.get_absolute_url()).content.decode()
    for outsider in ("alice", "bob"):
        client.force_login(people[outsider])
        body = client.get(told.get_absolute_url()).content.decode()
        assert "chair is on leave" not in body, outsider
        assert client.post(f"/breaches/cases/{told.pk}/notes/new/", {"text": "Mine."}).status_code == 404
    assert told.notes.count() == 1


def test_an_empty_note_is_refused_with_a_govuk_error(client, people, told):
    client.force_login(people["priya"])
    body = client.post(f"/breaches/cases/{told.pk}/notes/new/", {"text": ""}).content.decode()
    assert "govuk-error-summary" in body and "Write the note" in body
    assert not told.notes.exists()


def test_a_handlers_notes_are_in_their_own_subject_access_export(client, people, told):
    import json

    from privacy import services as privacy_services

    services.breach_case_note_add(case=told, actor=people["priya"], text="Northfield's chair is on leave.")
    request = privacy_services.subject_access_request_record(
        subject=people["priya"], asked_by="Priya herself", received_on=told.reported_at.date(), actor=people["ada"]
    )
    client.force_login(people["ada"])
    export = json.loads(client.get(f"/privacy/subject-access/{request.pk}/export.json").content)
    [work] = [part["records"] for part in export["sections"] if part["key"] == "case_work"]
    assert {"Case": told.reference, "What": "Note for those handling the case"}.items() <= next(
        record for record in work if record["What"].startswith("Note")
    ).items()
