"""The routing rule, for every combination of severity, deliberateness and
continuation: C4PC's "minor breaches … informally by the Programme Manager",
and "serious, deliberate or continued" ones to formal action by a panel."""

import itertools

import pytest

from breaches import services
from breaches.models import CaseEmail, CaseEvent
from tests.breaches.conftest import decide, fresh, report, respond, triage

# severity, deliberate, continued -> track. Written out in full.
ROUTING_TABLE = {
    ("minor", "no", False): "informal",
    ("minor", "not_known", False): "informal",
    ("minor", "yes", False): "formal",
    ("minor", "no", True): "formal",
    ("minor", "not_known", True): "formal",
    ("minor", "yes", True): "formal",
    ("serious", "no", False): "formal",
    ("serious", "not_known", False): "formal",
    ("serious", "yes", False): "formal",
    ("serious", "no", True): "formal",
    ("serious", "not_known", True): "formal",
    ("serious", "yes", True): "formal",
}


def test_the_table_covers_every_combination():
    assert set(ROUTING_TABLE) == set(itertools.product(["minor", "serious"], ["no", "not_known", "yes"], [False, True]))


@pytest.mark.parametrize(("severity", "deliberate", "continued"), sorted(ROUTING_TABLE))
def test_the_routing_rule(severity, deliberate, continued):
    route = services.breach_case_route(severity=severity, deliberate=deliberate, continued=continued)
    assert route.track == ROUTING_TABLE[(severity, deliberate, continued)]
    if route.track == "formal":
        grounds = [
            word
            for word, holds in (
                ("serious", severity == "serious"),
                ("deliberate", deliberate == "yes"),
                ("continued", continued),
            )
            if holds
        ]
        assert route.reason.startswith("Formal track, decided by the panel: the breach is ")
        assert all(word in route.reason for word in grounds)
    else:
        assert route.reason.startswith("Informal track, handled by the programme manager")


def test_the_reason_lists_every_ground_for_escalation():
    route = services.breach_case_route(severity="serious", deliberate="yes", continued=True)
    assert route.reason == "Formal track, decided by the panel: the breach is serious, deliberate and continued."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("severity", "deliberate"), [("minor", "no"), ("minor", "not_known"), ("minor", "yes"), ("serious", "no")]
)
def test_triage_routes_by_the_rule_and_records_why(
    severity, deliberate, alice, bob, priya, pam, django_capture_on_commit_callbacks
):
    case = report(reporter=alice.user)
    with django_capture_on_commit_callbacks(execute=True):
        triage(case, priya, severity=severity, deliberate=deliberate)
    case = fresh(case)
    expected = ROUTING_TABLE[(severity, deliberate, False)]
    assert (case.status, case.track, case.severity, case.deliberate, case.continued) == (
        expected,
        expected,
        severity,
        deliberate,
        False,
    )
    event = CaseEvent.objects.get(case=case, action="triage")
    assert event.reason.startswith(case.routing_reason) and event.actor == priya
    assert case.respondent_notified_at is not None
    kinds = set(CaseEmail.objects.filter(case=case).values_list("kind", flat=True))
    assert ("panel_referral" in kinds) == (expected == "formal")


@pytest.mark.django_db
def test_a_continued_breach_goes_to_the_panel_whatever_was_assessed(alice, bob, priya):
    earlier = report(reporter=alice.user)
    triage(earlier, priya)
    respond(earlier, bob.user)
    decide(earlier, priya, outcome="resolved_informally")
    case = triage(report(reporter=alice.user), priya, severity="minor", deliberate="no")
    assert (case.track, case.continued) == ("formal", True)
    assert "continued" in case.routing_reason
    assert earlier.reference in CaseEvent.objects.get(case=case, action="triage").reason


@pytest.mark.django_db
def test_an_informal_case_can_be_escalated_later_and_de_escalated_with_a_reason(
    alice, bob, priya, pam, django_capture_on_commit_callbacks
):
    case = triage(report(reporter=alice.user), priya)
    with pytest.raises(services.BreachError, match="Give the reason for escalating this case to the panel."):
        services.breach_case_escalate(case=case, expected_version=case.version, actor=priya, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        case = services.breach_case_escalate(
            case=case, expected_version=case.version, actor=priya, reason="Evidence it was deliberate."
        )
    assert (case.status, case.track, case.routing_reason) == (
        "formal",
        "formal",
        "Escalated to the panel: Evidence it was deliberate.",
    )
    with pytest.raises(services.BreachError, match="Give the reason for returning this case to informal resolution."):
        services.breach_case_de_escalate(case=case, expected_version=case.version, actor=priya, reason="")
    case = services.breach_case_de_escalate(
        case=case, expected_version=case.version, actor=priya, reason="The panel found it minor."
    )
    assert (case.status, case.track) == ("informal", "informal")
    assert list(CaseEvent.objects.filter(case=case).values_list("action", "reason")) == [
        ("report", ""),
        ("triage", "Informal track, handled by the programme manager: minor, not deliberate and not continued."),
        ("escalate", "Evidence it was deliberate."),
        ("de_escalate", "The panel found it minor."),
    ]
