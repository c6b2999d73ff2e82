"""Every move a case can make, by every kind of person: the allowed ones
succeed and are recorded; the rest are refused with a clear message and leave
no trace."""

import pytest

from breaches import services
from breaches.models import BreachCase, CaseEvent
from tests.breaches.conftest import case_in, fresh, panel_agrees

pytestmark = pytest.mark.django_db

STATUSES = ["reported", "informal", "formal", "decided", "closed", "withdrawn"]
ACTIONS = ["triage", "escalate", "de_escalate", "decide", "close", "withdraw", "publish"]
PEOPLE = ["priya", "pam", "ada", "alice", "bob", "charlie"]

# Written out by hand, not read from the model: (status, action) -> who may, and the status it leads to.
ALLOWED = {
    ("reported", "triage"): ({"priya", "ada"}, "informal"),
    ("reported", "withdraw"): ({"priya", "ada"}, "withdrawn"),
    ("informal", "escalate"): ({"priya", "ada"}, "formal"),
    ("informal", "decide"): ({"priya", "ada"}, "decided"),
    ("informal", "withdraw"): ({"priya", "ada"}, "withdrawn"),
    ("formal", "de_escalate"): ({"priya", "ada"}, "informal"),
    ("formal", "decide"): ({"pam", "ada"}, "decided"),
    ("formal", "withdraw"): ({"priya", "ada"}, "withdrawn"),
    ("decided", "close"): ({"priya", "ada"}, "closed"),
    # Publishing on the anonymised register leaves the case where it is.
    ("decided", "publish"): ({"priya", "ada"}, "decided"),
    ("closed", "publish"): ({"priya", "ada"}, "closed"),
}


def act(action: str, case: BreachCase, actor):
    version = fresh(case).version
    if action == "triage":
        return services.breach_case_triage(
            case=case,
            expected_version=version,
            actor=actor,
            severity="minor",
            deliberate="no",
            respondent_summary="A summary.",
        )
    if action == "decide":
        outcome = "not_upheld"
        return services.breach_case_decide(
            case=case,
            expected_version=version,
            actor=actor,
            outcome=outcome,
            finding="F.",
            reasons="R.",
            wider_causes="W.",
            lessons="L.",
        )
    if action == "close":
        return services.breach_case_close(case=case, expected_version=version, actor=actor, feedback="Done.")
    if action == "publish":
        return services.breach_case_publish(
            case=case, expected_version=version, actor=actor, summary="A summary.", lessons="A lesson."
        )
    service = {
        "escalate": services.breach_case_escalate,
        "de_escalate": services.breach_case_de_escalate,
        "withdraw": services.breach_case_withdraw,
    }[action]
    return service(case=case, expected_version=version, actor=actor, reason="Because.")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_each_move_is_allowed_only_from_the_right_status_to_the_right_role(status, action, people):
    allowed_people, to_status = ALLOWED.get((status, action), (set(), None))
    for name in PEOPLE:
        case = case_in(status, people=people)
        if (status, action) == ("formal", "decide"):
            panel_agrees(case, "not_upheld")  # a formal case is decided once its panel has given its views
        events_before = CaseEvent.objects.filter(case=case).count()
        if name in allowed_people:
            act(action, case, people[name])
            case = fresh(case)
            assert case.status == to_status, (name, status, action)
            event = CaseEvent.objects.filter(case=case).last()
            assert (event.action, event.from_status, event.to_status, event.actor) == (
                action,
                status,
                to_status,
                people[name],
            )
            assert CaseEvent.objects.filter(case=case).count() == events_before + 1
        else:
            with pytest.raises(services.BreachError) as refusal:
                act(action, case, people[name])
            message = refusal.value.message
            if (status, action) in ALLOWED:
                assert message.startswith("Only the "), message
                assert "of The Health Creation Alliance can" in message
            else:
                assert message.startswith(f"This case is {services.STATUS_PHRASES[status]}, so it cannot be"), message
            assert fresh(case).status == status
            assert CaseEvent.objects.filter(case=case).count() == events_before
        # An open case would make the next one about the same organisation "continued".
        if fresh(case).is_open:
            services.breach_case_withdraw(
                case=case, expected_version=fresh(case).version, actor=people["ada"], reason="Tidy up."
            )


def test_the_model_declares_exactly_the_moves_written_out_here():
    declared = {(action, status): (set(to), role) for (action, status), (to, role) in BreachCase.TRANSITIONS.items()}
    assert {(a, s) for (s, a) in ALLOWED} == set(declared)


def test_a_refused_move_names_the_status_and_the_move(people):
    case = case_in("closed", people=people)
    with pytest.raises(services.BreachError, match="This case is closed, so it cannot be escalated to the panel."):
        act("escalate", case, people["priya"])


def test_the_programme_manager_cannot_decide_a_formal_case(people):
    case = case_in("formal", people=people)
    with pytest.raises(
        services.BreachError,
        match="Only the panel of The Health Creation Alliance can decide a case under formal investigation.",
    ):
        act("decide", case, people["priya"])


def test_the_history_cannot_be_changed_or_deleted(people):
    case = case_in("informal", people=people)
    event = CaseEvent.objects.filter(case=case).first()
    event.reason = "Rewritten"
    with pytest.raises(Exception, match="never changed"):
        event.save()
    with pytest.raises(Exception, match="never deleted"):
        event.delete()
    with pytest.raises(Exception, match="never changed"):
        CaseEvent.objects.filter(case=case).update(reason="Rewritten")
    with pytest.raises(Exception, match="never deleted"):
        CaseEvent.objects.filter(case=case).delete()
