"""Administrators edit each partnership's thresholds in the Django admin and read
declarations, their revisions and their history there, without changing them."""

from decimal import Decimal

import pytest

from declarations import selectors
from declarations.models import DeclarationPolicy

from .conftest import EXCLUDED, accept, declare

pytestmark = pytest.mark.django_db


def test_a_partnership_has_the_default_thresholds_until_it_sets_its_own_and_reading_them_writes_nothing(
    client, alice, alliance
):
    policy = selectors.policy_for(alliance)
    assert (policy.gift_threshold, policy.late_after_days, policy.cash_must_be_declined) == (Decimal("50.00"), 28, True)
    draft = declare(alice, submit=False)
    client.force_login(alice.user)
    assert client.get(f"/declarations/{draft.pk}/questions/details/").status_code == 200
    assert client.get(f"/declarations/{draft.pk}/check/").status_code in (200, 302)
    assert not DeclarationPolicy.objects.exists()


def test_an_administrator_edits_a_partnerships_thresholds(client, ada, alliance):
    policy = DeclarationPolicy.objects.create(partnership=alliance)
    client.force_login(ada)
    url = f"/admin/declarations/declarationpolicy/{policy.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "partnership": alliance.pk,
            "gift_threshold": "40.00",
            "gift_period_months": "12",
            "supplier_gift_limit": "6.00",
            "hospitality_threshold": "25.00",
            "hospitality_approval_above": "75.00",
            "public_register_lists_voluntary": "on",
            "historic_months": "6",
            "late_after_days": "14",
            "cash_must_be_declined": "",
            "annual_confirmation_month": "9",
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (
        policy.gift_threshold,
        policy.late_after_days,
        policy.cash_must_be_declined,
        policy.annual_confirmation_month,
    ) == (Decimal("40.00"), 14, False, 9)


def test_declarations_and_their_history_are_read_only_in_the_admin(client, ada, alice, priya):
    declaration = accept(declare(alice), priya, EXCLUDED)
    client.force_login(ada)
    assert client.get("/admin/declarations/declaration/").status_code == 200
    page = client.get(f"/admin/declarations/declaration/{declaration.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "A hamper at Christmas" in html and "Close" in html and 'name="_save"' not in html
    assert (
        client.post(f"/admin/declarations/declaration/{declaration.pk}/change/", {"status": "ended"}).status_code == 403
    )
    assert client.get(f"/admin/declarations/declaration/{declaration.pk}/delete/").status_code == 403
    assert client.get("/admin/declarations/declaration/add/").status_code == 403
    assert client.get("/admin/declarations/managementaction/").status_code == 200
