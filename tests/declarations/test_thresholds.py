"""Gifts and hospitality under NHS England's "Managing Conflicts of Interest in the NHS"
figures, which each partnership starts with and may change: suppliers' gifts declined
unless a promotional item under £6; other gifts under £50 from one source in 12 months
need not be declared; hospitality under £25 need not be, from £25 to £75 must be, and
over £75 only with approval in advance. A declaration below a threshold is voluntary."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declarations import services
from declarations.models import Declaration, DeclarationPolicy
from tests.security.test_hostile_input import assert_handled

from .conftest import accept, declare
from .test_declaring import question_url

pytestmark = pytest.mark.django_db

HOSPITALITY = {"situation": "hospitality", "description": "Dinner after the conference", "cash_or_vouchers": None}


@pytest.mark.parametrize(("value", "voluntary"), [("49.99", True), ("50.00", False), ("50.01", False), ("0", True)])
def test_a_gift_from_another_source_is_voluntary_only_under_the_threshold(alice, value, voluntary):
    declaration = declare(alice, value=Decimal(value), from_supplier=False)
    assert declaration.status == "submitted" and declaration.is_voluntary is voluntary


@pytest.mark.parametrize(
    ("value", "outcome", "refused", "voluntary"),
    [
        ("5.99", "accepted", False, True),
        ("6.00", "accepted", True, False),
        ("6.01", "accepted", True, False),
        ("60", "declined", False, False),
    ],
)
def test_a_suppliers_gift_is_declined_unless_a_promotional_item_under_the_limit(
    alice, value, outcome, refused, voluntary
):
    if refused:
        with pytest.raises(services.DeclarationError) as raised:
            declare(alice, value=Decimal(value), from_supplier=True, outcome=outcome)
        assert raised.value.message_dict == {
            "outcome": [
                "Gifts from suppliers or contractors must be declined, unless a low-cost promotional item worth "
                "under £6.00"
            ]
        }
        return
    declaration = declare(alice, value=Decimal(value), from_supplier=True, outcome=outcome)
    assert declaration.is_voluntary is voluntary


@pytest.mark.parametrize(("value", "voluntary"), [("24.99", True), ("25.00", False), ("75.00", False)])
def test_hospitality_under_25_is_voluntary_and_up_to_75_needs_no_approval(alice, value, voluntary):
    declaration = declare(alice, **HOSPITALITY, value=Decimal(value))
    assert declaration.status == "submitted" and declaration.is_voluntary is voluntary


def test_hospitality_over_75_needs_approval_in_advance(alice):
    with pytest.raises(services.DeclarationError) as raised:
        declare(alice, **HOSPITALITY, value=Decimal("75.01"), approved_by="", approved_on=None)
    assert set(raised.value.message_dict) == {"approved_by", "approved_on"}
    # Submitted without the approval (the question answered before the partnership lowered its limit):
    # the service refuses the submission itself, by the answers missing, and nothing is submitted.
    with pytest.raises(services.DeclarationError, match="is accepted only with approval in advance") as raised:
        declare(alice, **HOSPITALITY, value=Decimal("75.01"))
    assert set(raised.value.message_dict) == {"approved_by", "approved_on"}
    assert not Declaration.objects.filter(declarant=alice.user).exclude(status="draft").exists()
    with pytest.raises(services.DeclarationError, match="approval must be given before the hospitality"):
        declare(
            alice,
            **HOSPITALITY,
            value=Decimal("120"),
            approved_by="Dr Sam Chair",
            approved_on=datetime.date(2026, 3, 11),
        )
    declaration = declare(
        alice, **HOSPITALITY, value=Decimal("120"), approved_by="Dr Sam Chair", approved_on=datetime.date(2026, 3, 9)
    )
    assert declaration.revision.approved_by == "Dr Sam Chair" and not declaration.is_voluntary
    # Declined, it needs no approval, and none is kept.
    declined = declare(alice, **HOSPITALITY, value=Decimal("120"), outcome="declined", approved_by="Someone")
    assert declined.revision.approved_by == ""


def test_gifts_from_one_source_count_together_over_12_months(alice, time_machine):
    def gift_on(day: datetime.date) -> Declaration:
        time_machine.move_to(datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False)
        return declare(alice, value=Decimal("30"), from_supplier=False, arose_on=day)

    assert gift_on(datetime.date(2026, 3, 10)).is_voluntary  # £30
    assert not gift_on(datetime.date(2026, 9, 1)).is_voluntary  # £60 within 12 months
    # A year and more after the first, only September's counts: £60 again.
    assert not gift_on(datetime.date(2027, 3, 15)).is_voluntary
    # Once September's is more than 12 months back, £30 (the March 2027 gift) + £30 is £60 still...
    assert not gift_on(datetime.date(2027, 9, 5)).is_voluntary
    # ...but a gift from another source stands alone.
    time_machine.move_to(datetime.datetime(2027, 9, 6, 12, tzinfo=datetime.UTC), tick=False)
    other = declare(
        alice,
        value=Decimal("30"),
        from_supplier=False,
        counterparty_name="Zenith Catering",
        arose_on=datetime.date(2027, 9, 6),
    )
    assert other.is_voluntary


def test_the_check_page_the_declaration_and_the_register_mark_it_voluntary(client, alice, priya):
    draft = declare(alice, value=Decimal("40"), from_supplier=False, submit=False)
    client.force_login(alice.user)
    check = client.get(f"/declarations/{draft.pk}/check/").content.decode()
    assert "Voluntary" in check and "Below the £50.00 gift threshold: need not be declared." in check
    services.declaration_submit(declaration=draft, actor=alice.user)
    assert ">Voluntary<" in client.get(draft.get_absolute_url()).content.decode()
    client.force_login(priya)
    assert ">Voluntary<" in client.get("/declarations/register/").content.decode()


def test_the_public_register_follows_the_partnerships_choice_on_voluntary_entries(client, alice, bob, priya, alliance):
    accept(declare(alice, value=Decimal("40"), from_supplier=False), priya)
    accept(declare(bob, value=Decimal("60"), from_supplier=False), priya)
    page = client.get(f"/declarations/public/{alliance.slug}/").content.decode()
    assert "£40.00" in page and "£60.00" in page and ">Voluntary<" in page
    DeclarationPolicy.objects.create(partnership=alliance, public_register_lists_voluntary=False)
    page = client.get(f"/declarations/public/{alliance.slug}/").content.decode()
    assert "£40.00" not in page and "£60.00" in page


def test_the_details_page_asks_who_approved_hospitality(client, alice):
    draft = declare(alice, **HOSPITALITY, value=Decimal("10"), submit=False)
    client.force_login(alice.user)
    url = question_url(draft, "details")
    page = client.get(url).content.decode()
    assert "Who approved it in advance?" in page and "When was it approved?" in page
    response = client.post(
        url,
        {
            "description": "Dinner",
            "arose_on_0": "10",
            "arose_on_1": "3",
            "arose_on_2": "2026",
            "value": "90",
            "outcome": "accepted",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "is accepted only with approval in advance" in body and "Enter the date it was approved" in body


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    approved_by=st.text(max_size=300),
    value=st.one_of(st.sampled_from(["75", "75.01", "1e9", "-1", "NaN", "£80", ""]), st.text(max_size=12)),
    supplier=st.sampled_from(["yes", "no", "", "<script>"]),
)
def test_the_new_fields_with_hostile_input_never_fail(client, alice, approved_by, value, supplier):
    client.force_login(alice.user)
    for situation in ("gift", "hospitality"):
        draft = declare(
            alice, situation=situation, submit=False, cash_or_vouchers=False if situation == "gift" else None
        )
        response = client.post(
            question_url(draft, "details"),
            {
                "description": "Hostile",
                "arose_on_0": "10",
                "arose_on_1": "3",
                "arose_on_2": "2026",
                "value": value,
                "from_supplier": supplier,
                "cash_or_vouchers": "no",
                "outcome": "accepted",
                "approved_by": approved_by,
                "approved_on_0": "1",
                "approved_on_1": "3",
                "approved_on_2": "2026",
            },
        )
        assert_handled(response, approved_by)
