"""The declaration forms fed random and hostile input: always a clear form
error or a clean save, never a 500, and whatever is shown back is escaped."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declarations.models import Declaration, DeclarationRevision
from tests.security.test_hostile_input import HOSTILE_NUMBER, HOSTILE_TEXT, assert_handled

from .conftest import declare, send_back
from .test_declaring import question_url

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
DATE_PART = st.one_of(st.sampled_from(["", "0", "31", "13", "2026", "-1", "99999", "3.5"]), st.text(max_size=6))


@pytest.fixture
def drafting(client, alice):
    client.force_login(alice.user)
    return client, declare(alice, submit=False)


@HYPOTHESIS
@given(
    description=HOSTILE_TEXT,
    day=DATE_PART,
    month=DATE_PART,
    year=DATE_PART,
    end_year=DATE_PART,
    value=HOSTILE_NUMBER,
    cash=st.sampled_from(["yes", "no", "", "maybe"]),
    outcome=st.sampled_from(["accepted", "declined", "", "<b>"]),
)
def test_the_details_of_an_interest_with_hostile_input(
    drafting, description, day, month, year, end_year, value, cash, outcome
):
    client, declaration = drafting
    before = DeclarationRevision.objects.get(declaration=declaration, submitted_at__isnull=True).description
    response = client.post(
        question_url(declaration, "details"),
        {
            "description": description,
            "arose_on_0": day,
            "arose_on_1": month,
            "arose_on_2": year,
            "ends_on_0": day,
            "ends_on_1": month,
            "ends_on_2": end_year,
            "value": value,
            "cash_or_vouchers": cash,
            "outcome": outcome,
        },
    )
    assert_handled(response, description)
    after = DeclarationRevision.objects.get(declaration=declaration, submitted_at__isnull=True)
    if response.status_code == 200:
        assert after.description == before, "a refused form saved something"
    else:
        assert after.description == description.strip() and len(after.description) <= 2000


@HYPOTHESIS
@given(name=HOSTILE_TEXT)
def test_whom_an_interest_concerns_with_hostile_input(drafting, name):
    client, declaration = drafting
    response = client.post(
        question_url(declaration, "concerning"), {"counterparty_organisation": "", "counterparty_name": name}
    )
    assert_handled(response, name)


@HYPOTHESIS
@given(
    note=HOSTILE_TEXT,
    decision=st.sampled_from(["return", "accept", "accept_with_actions", "", "nonsense"]),
    other=HOSTILE_TEXT,
)
def test_reviewing_with_hostile_input(client, alice, priya, note, decision, other):
    declaration = Declaration.objects.filter(partner=alice, status="submitted").first() or declare(alice)
    client.force_login(priya)
    response = client.post(
        f"/declarations/{declaration.pk}/review/", {"decision": decision, "note": note, "other_action": other}
    )
    assert_handled(response, note, other)


@HYPOTHESIS
@given(reason=HOSTILE_TEXT)
def test_withholding_with_hostile_input(client, alice, priya, reason):
    declaration = Declaration.objects.filter(partner=alice).first() or declare(alice)
    client.force_login(priya)
    response = client.post(f"/declarations/{declaration.pk}/withhold/", {"reason": reason})
    assert_handled(response, reason)


@HYPOTHESIS
@given(answer=HOSTILE_TEXT)
def test_answering_a_question_with_hostile_input(client, alice, priya, answer):
    declaration = Declaration.objects.filter(partner=alice, status="returned").first() or send_back(
        declare(alice), priya
    )
    client.force_login(alice.user)
    client.post(f"/declarations/{declaration.pk}/update/")
    response = client.post(f"/declarations/{declaration.pk}/check/", {"note": answer})
    assert_handled(response, answer)


# --- The fields NHS England's guidance added (#19) ------------------------------------------


@HYPOTHESIS
@given(
    permitted_by=HOSTILE_TEXT,
    day=DATE_PART,
    month=DATE_PART,
    year=DATE_PART,
    place=HOSTILE_TEXT,
    times=HOSTILE_TEXT,
    hours=st.one_of(HOSTILE_NUMBER, st.sampled_from(["0.5", "168", "168.5", "0.4", "7.25", "1e2", "-0"])),
)
def test_permission_and_private_practice_with_hostile_input(
    client, alice, permitted_by, day, month, year, place, times, hours
):
    client.force_login(alice.user)
    draft = Declaration.objects.filter(declarant=alice.user, status="draft").first() or declare(
        alice, submit=False, situation="private_practice"
    )
    before = DeclarationRevision.objects.get(declaration=draft)
    response = client.post(
        question_url(draft, "details"),
        {
            "description": "Locum work",
            "arose_on_0": "1",
            "arose_on_1": "3",
            "arose_on_2": "2026",
            "permitted_by": permitted_by,
            "permitted_on_0": day,
            "permitted_on_1": month,
            "permitted_on_2": year,
            "practice_place": place,
            "practice_times": times,
            "practice_hours": hours,
        },
    )
    assert_handled(response, permitted_by, place, times)
    after = DeclarationRevision.objects.get(declaration=draft)
    if response.status_code == 200:
        assert (after.permitted_by, after.practice_place, after.practice_hours) == (
            before.permitted_by,
            before.practice_place,
            before.practice_hours,
        ), "a refused form saved something"
    else:
        assert after.permitted_by == permitted_by.strip() and after.permitted_on is not None
        assert 0.5 <= after.practice_hours <= 168 and len(after.practice_place) <= 200
        assert not after.permission_problems


@HYPOTHESIS
@given(reason=HOSTILE_TEXT)
def test_asking_for_withholding_with_hostile_input(client, alice, reason):
    declaration = Declaration.objects.filter(partner=alice, withholding_asked_at__isnull=True).exclude(
        status="draft"
    ).first() or declare(alice)
    client.force_login(alice.user)
    response = client.post(f"/declarations/{declaration.pk}/ask-to-withhold/", {"reason": reason})
    assert_handled(response, reason)
    asked = Declaration.objects.get(pk=declaration.pk)
    if response.status_code == 200:
        assert asked.withholding_asked_at is None, "a refused form saved something"
    else:
        assert asked.withholding_asked_reason and len(asked.withholding_asked_reason) <= 1000
