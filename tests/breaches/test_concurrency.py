"""Two people acting on the same case at the same moment: one succeeds, the
other is told the case changed and sees the new state; nothing is lost or
applied twice."""

import threading

import pytest
from django.db import connection

from breaches import services
from breaches.models import BreachCase, CaseEmail, CaseEvent
from tests.breaches.conftest import fresh, report


@pytest.mark.django_db
def test_a_move_made_from_an_out_of_date_page_is_refused(people):
    case = report(reporter=people["alice"])
    shown_version = case.version
    services.breach_case_withdraw(case=case, expected_version=shown_version, actor=people["ada"], reason="A duplicate.")
    with pytest.raises(services.CaseChanged, match="This case changed while you were working on it."):
        services.breach_case_triage(
            case=case,
            expected_version=shown_version,
            actor=people["priya"],
            severity="minor",
            deliberate="no",
            respondent_summary="Summary.",
        )
    assert fresh(case).status == "withdrawn"
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["report", "withdraw"]


@pytest.mark.django_db
def test_the_loser_sees_the_new_state_and_keeps_what_they_typed(client, people):
    case = report(reporter=people["alice"])
    client.force_login(people["priya"])
    page = client.get(f"/breaches/cases/{case.pk}/triage/")
    shown_version = page.context["form"]["version"].value()
    services.breach_case_withdraw(case=case, expected_version=case.version, actor=people["ada"], reason="A duplicate.")

    response = client.post(
        f"/breaches/cases/{case.pk}/triage/",
        {
            "version": shown_version,
            "severity": "minor",
            "deliberate": "no",
            "respondent_summary": "What I typed at length.",
            "note": "My notes.",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This case changed while you were working on it." in body
    assert "Withdrawn" in body  # the case as it now stands
    assert "What I typed at length." in body and "My notes." in body
    assert f'name="version" value="{fresh(case).version}"' in body
    assert fresh(case).status == "withdrawn"


def _race(case_id: int, moves) -> list:
    """Run each move in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(moves))
    results = [None] * len(moves)

    def run(index, move):
        try:
            barrier.wait()
            case = BreachCase.objects.get(pk=case_id)
            move(case)
            results[index] = "done"
        except services.CaseChanged as refusal:
            results[index] = refusal
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, move)) for index, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_two_people_acting_at_once_on_postgresql(people, alliance):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL (set DATABASE_URL): SQLite lets one writer in at a time and has no row locks, "
            "so it cannot show two transactions racing for the same case."
        )
    for _ in range(5):
        case = report(reporter=people["alice"])
        version = case.version
        results = _race(
            case.pk,
            [
                lambda c, version=version: services.breach_case_triage(
                    case=c,
                    expected_version=version,
                    actor=people["priya"],
                    severity="minor",
                    deliberate="no",
                    respondent_summary="Summary.",
                ),
                lambda c, version=version: services.breach_case_withdraw(
                    case=c, expected_version=version, actor=people["ada"], reason="Duplicate."
                ),
                lambda c, version=version: services.breach_case_triage(
                    case=c,
                    expected_version=version,
                    actor=people["ada"],
                    severity="serious",
                    deliberate="yes",
                    respondent_summary="Summary.",
                ),
            ],
        )
        assert results.count("done") == 1, results
        assert all(isinstance(result, services.CaseChanged) for result in results if result != "done"), results
        case = fresh(case)
        moves = CaseEvent.objects.filter(case=case).exclude(action="report")
        assert moves.count() == 1 and case.version == version + 1
        assert moves.get().to_status == case.status
        # Only the winner's emails were recorded.
        expected = {"informal": 1, "formal": 2, "withdrawn": 1}[case.status]
        assert CaseEmail.objects.filter(case=case).exclude(kind__in=["reported", "received"]).count() == expected
        if case.is_open:  # so the next round's case is not "continued"
            services.breach_case_withdraw(
                case=case, expected_version=case.version, actor=people["ada"], reason="Tidy up."
            )
