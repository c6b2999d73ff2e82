"""Each partnership's timescales for breach cases live in a policy the
administrator edits in the Django admin; without one, the defaults apply."""

import pytest
from django.db import IntegrityError

from breaches.models import BreachPolicy
from breaches.selectors import policy_for
from tests.breaches.conftest import report

pytestmark = pytest.mark.django_db


def test_a_partnership_without_a_policy_gets_the_defaults(alliance):
    policy = policy_for(alliance)
    assert policy.pk is None
    assert (
        policy.repeat_window_months,
        policy.triage_target_working_days,
        policy.acknowledgement_days,
        policy.feedback_months,
        policy.response_days,
    ) == (24, 5, 7, 3, 14)


def test_the_administrator_edits_the_policy_in_the_admin(client, ada, alliance):
    client.force_login(ada)
    response = client.post(
        "/admin/breaches/breachpolicy/add/",
        {
            "partnership": alliance.pk,
            "repeat_window_months": 12,
            "triage_target_working_days": 3,
            "acknowledgement_days": 5,
            "feedback_months": 2,
            "response_days": 10,
            "decision_target_working_days": 15,
            "panel_size": 5,
            "panel_unanimous": "on",
            "warning_expiry_months": 6,
            "appeal_window_days": 21,
        },
    )
    assert response.status_code == 302
    assert policy_for(alliance).repeat_window_months == 12
    assert policy_for(alliance).decision_target_working_days == 15
    policy = policy_for(alliance)
    assert (policy.panel_size, policy.panel_unanimous, policy.warning_expiry_months, policy.appeal_window_days) == (
        5,
        True,
        6,
        21,
    )
    policy = BreachPolicy.objects.get()
    assert client.get(f"/admin/breaches/breachpolicy/{policy.pk}/change/").status_code == 200


def test_a_period_of_zero_is_refused_by_the_database(alliance):
    with pytest.raises(IntegrityError):
        BreachPolicy.objects.create(partnership=alliance, triage_target_working_days=0)


def test_cases_are_read_only_in_the_admin(client, people):
    case = report(reporter=people["alice"])
    client.force_login(people["ada"])
    assert client.get(f"/admin/breaches/breachcase/{case.pk}/change/").status_code == 200
    assert client.get("/admin/breaches/breachcase/add/").status_code == 403
    assert client.post(f"/admin/breaches/breachcase/{case.pk}/delete/", {"post": "yes"}).status_code == 403
