"""Fairness and outcomes: the respondent is told, can respond before any
decision, and the decision records the finding, reasons, wider causes and
lessons. A termination ends the organisation's membership and its signatures."""

import datetime

import pytest
from django.core import mail

from breaches import services
from breaches.models import CaseEmail, CaseMessage
from conduct import services as conduct_services
from conduct.models import AuditEntry, CodeVersion, Item, Membership, Principle, Signature
from tests.breaches.conftest import TODAY, decide, fresh, hca_item, panel_agrees, report, respond, triage
from tests.conftest import make_partner

pytestmark = pytest.mark.django_db

DECISION = {"finding": "F.", "reasons": "R.", "wider_causes": "W.", "lessons": "L."}


def test_the_respondent_is_told_never_who_reported_and_can_respond(client, people, django_capture_on_commit_callbacks):
    case = report(reporter=people["alice"])
    client.force_login(people["bob"])
    assert client.get(case.get_absolute_url()).status_code == 404  # not told before triage
    with django_capture_on_commit_callbacks(execute=True):
        triage(case, people["priya"])
    told = [m for m in mail.outbox if m.to == ["bob@example.org"]]
    assert len(told) == 1 and "A concern has been raised about Northfield Wellbeing Trust" in told[0].subject

    body = client.get(case.get_absolute_url()).content.decode()
    assert "It is said that figures shared in confidence were passed to a supplier." in body
    assert "Integrity" in body and "Respond by" in body and "1 April 2026" in body
    for identity in ("Alice", "alice@example.org", "Riverside", "Shared a partner"):
        assert identity not in body, identity

    response = client.post(f"/breaches/cases/{case.pk}/respond/", {"text": ""})
    assert "Write your response" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/breaches/cases/{case.pk}/respond/", {"text": "We did not share anything."})
    assert response.status_code == 302
    assert CaseMessage.objects.get(kind="response").author == people["bob"]
    assert "priya@example.org" in [m.to[0] for m in mail.outbox if "responded" in m.subject]


def test_no_decision_before_the_respondent_has_responded_or_their_time_is_up(people, time_machine):
    case = triage(report(reporter=people["alice"]), people["priya"])
    with pytest.raises(services.BreachError, match="The respondent has until 1 April 2026 to respond in writing."):
        decide(case, people["priya"], outcome="not_upheld")
    time_machine.move_to(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=datetime.UTC), tick=True)
    assert decide(case, people["priya"], outcome="not_upheld").status == "decided"


def test_the_decision_screen_shows_the_response(client, people):
    case = triage(report(reporter=people["alice"]), people["priya"])
    respond(case, people["bob"])
    client.force_login(people["priya"])
    body = client.get(f"/breaches/cases/{case.pk}/decide/").content.decode()
    assert "The respondent's response" in body
    assert "We did not share anything." in body and "Bob Brown" in body
    assert "Upheld and resolved informally" in body and "Termination" not in body  # informal outcomes only


def test_a_decision_records_finding_reasons_wider_causes_and_lessons(
    client, people, django_capture_on_commit_callbacks
):
    case = triage(report(reporter=people["alice"]), people["priya"])
    respond(case, people["bob"])
    client.force_login(people["priya"])
    url = f"/breaches/cases/{case.pk}/decide/"
    body = client.post(
        url, {"version": fresh(case).version, "outcome": "resolved_informally", "finding": "Shared."}
    ).content.decode()
    for message in (
        "Give the reasons for the decision",
        "Describe the wider causes, or write that none were found",
        "Describe the lessons to learn, or write that there are none",
    ):
        assert message in body
    assert "Shared." in body  # kept
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "version": fresh(case).version,
                "outcome": "resolved_informally",
                "finding": "Shared.",
                "reasons": "Minutes show it.",
                "wider_causes": "No marking of papers.",
                "lessons": "Mark them.",
            },
        )
    assert response.status_code == 302
    case = fresh(case)
    assert (
        case.status,
        case.outcome,
        case.finding,
        case.reasons,
        case.wider_causes,
        case.lessons,
        case.decided_by,
    ) == (
        "decided",
        "resolved_informally",
        "Shared.",
        "Minutes show it.",
        "No marking of papers.",
        "Mark them.",
        people["priya"],
    )
    assert CaseEmail.objects.filter(case=case, kind="decision", sent_at__isnull=False).exists()


def test_an_informal_case_cannot_end_in_a_formal_sanction(people):
    case = triage(report(reporter=people["alice"]), people["priya"])
    respond(case, people["bob"])
    with pytest.raises(
        services.BreachError,
        match="A case on the informal track can be decided only as not upheld or upheld and resolved informally.",
    ):
        decide(case, people["priya"], outcome="suspension", suspended_until=datetime.date(2026, 6, 1))


def test_a_suspension_needs_an_end_date_in_the_future(client, people):
    case = triage(report(reporter=people["alice"]), people["priya"], severity="serious")
    respond(case, people["bob"])
    with pytest.raises(services.BreachError, match="Enter the date the suspension ends"):
        decide(case, people["pam"], outcome="suspension")
    client.force_login(people["pam"])
    body = client.post(
        f"/breaches/cases/{case.pk}/decide/",
        {
            "version": fresh(case).version,
            "outcome": "suspension",
            **DECISION,
            "suspended_until_0": "1",
            "suspended_until_1": "1",
            "suspended_until_2": "2026",
        },
    ).content.decode()
    assert "The date the suspension ends must be in the future" in body
    assert '<a href="#id_suspended_until_0">The date the suspension ends must be in the future</a>' in body
    case = decide(case, people["pam"], outcome="suspension", suspended_until=datetime.date(2026, 9, 30))
    assert (case.outcome, case.suspended_until) == ("suspension", datetime.date(2026, 9, 30))


def test_termination_ends_the_membership_and_the_signatures_with_the_case_as_the_reason(client, people):
    version = CodeVersion.objects.get(code__slug="health-creation-alliance", number=2)
    bob = people["bob"].partner
    conduct_services.signature_record(partner=bob, version=version, typed_name="Bob Brown")
    conduct_services.signature_record(partner=people["alice"].partner, version=version, typed_name="Alice Adams")
    case = triage(report(reporter=people["alice"]), people["priya"], severity="serious", deliberate="yes")
    respond(case, people["bob"])
    panel_agrees(case, "termination")

    client.force_login(people["pam"])
    url = f"/breaches/cases/{case.pk}/decide/"
    body = client.post(url, {"version": fresh(case).version, "outcome": "termination", **DECISION}).content.decode()
    assert "Confirm that you understand what termination does" in body
    assert Membership.objects.get(organisation=bob.organisation).ended_on is None
    response = client.post(
        url, {"version": fresh(case).version, "outcome": "termination", "confirm_termination": "on", **DECISION}
    )
    assert response.status_code == 302

    membership = Membership.objects.get(organisation=bob.organisation, partnership__slug="health-creation-alliance")
    reason = f"Partnership terminated by the decision on breach case {case.reference}."
    assert (membership.ended_on, membership.ended_reason) == (TODAY, reason)
    signature = Signature.objects.get(partner=bob)
    assert (signature.status, signature.ended_reason) == ("ended", reason)
    assert Signature.objects.get(partner=people["alice"].partner).status == "active"
    assert AuditEntry.objects.filter(action="membership.ended", actor=people["pam"], reason=reason).exists()

    # Northfield's partners lose the code's partner pages: it is not on their home page, nor theirs to sign.
    client.force_login(people["bob"])
    assert "The Health Creation Alliance Code of Conduct" not in client.get("/").content.decode()
    receipt = client.get(client.get("/codes/health-creation-alliance/versions/2/sign/").url).content.decode()
    assert f"Ended: {reason}" in receipt
    client.force_login(make_partner("nia", "Nia", "North", bob.organisation).user)
    assert client.get("/codes/health-creation-alliance/versions/2/sign/").status_code == 403


def test_closing_sends_the_reporter_final_feedback(client, people):
    case = triage(report(reporter=people["alice"]), people["priya"])
    respond(case, people["bob"])
    decide(case, people["priya"], outcome="resolved_informally")
    client.force_login(people["priya"])
    url = f"/breaches/cases/{case.pk}/close/"
    assert (
        "Write the final feedback"
        in client.post(url, {"version": fresh(case).version, "feedback": ""}).content.decode()
    )
    client.post(
        url, {"version": fresh(case).version, "feedback": "The organisation has changed how it handles papers."}
    )
    case = fresh(case)
    assert case.status == "closed" and case.feedback_given_at is not None
    client.force_login(people["alice"])
    body = client.get(case.get_absolute_url()).content.decode()
    assert "The organisation has changed how it handles papers." in body and "Closed" in body
    assert "We did not share anything." not in body  # the respondent's response is not the reporter's to read


def test_the_lessons_summary_gathers_outcomes_principles_and_wider_causes(client, people, coalition):
    honesty = Principle.objects.get(slug="honesty")
    for outcome, principles in (
        ("not_upheld", [honesty, Principle.objects.get(slug="openness")]),
        ("resolved_informally", [honesty]),
    ):
        case = triage(report(reporter=people["alice"], cited_principles=principles), people["priya"])
        respond(case, people["bob"])
        decide(case, people["priya"], outcome=outcome, wider_causes=f"Causes of {outcome}.")
    triage(report(reporter=people["alice"], about=people["alice"].partner.organisation), people["priya"])  # not decided

    client.force_login(people["priya"])
    response = client.get("/breaches/lessons/")
    outcomes, principles = dict(response.context["outcomes"]), dict(response.context["principles"])
    assert outcomes == {
        "Not upheld": 1,
        "Upheld and resolved informally": 1,
        "Formal warning": 0,
        "Suspension": 0,
        "Termination of partnership": 0,
    }
    assert (principles["Honesty"], principles["Openness"], principles["Integrity"]) == (2, 1, 0)
    body = response.content.decode()
    assert "Causes of resolved_informally." in body and "Causes of not_upheld." in body


def test_the_decision_screen_shows_earlier_decisions_citing_the_same_items(client, people):
    earlier = triage(report(reporter=people["alice"]), people["priya"], severity="serious")
    respond(earlier, people["bob"])
    decide(earlier, people["pam"], outcome="formal_warning")
    other_item = (
        Item.objects.filter(section__version=hca_item().section.version)
        .exclude(kind="text")
        .exclude(pk=hca_item().pk)[0]
    )
    unrelated = triage(report(reporter=people["alice"], cited_items=[other_item]), people["priya"])
    respond(unrelated, people["bob"])
    unrelated = decide(unrelated, people["pam"], outcome="not_upheld")
    case = triage(report(reporter=people["alice"]), people["priya"])
    respond(case, people["bob"])

    client.force_login(people["ada"])
    body = client.get(f"/breaches/cases/{case.pk}/decide/").content.decode()
    assert f">{earlier.reference}</a>" in body and "Formal warning" in body
    assert unrelated.reference not in body
