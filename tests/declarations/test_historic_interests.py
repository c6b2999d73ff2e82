"""An interest that has ended stays on the public register for 6 months after it ended (the
partnership may choose another period), then leaves it; the private record is kept."""

import datetime

import pytest

from declarations import services
from declarations.models import DeclarationPolicy

from .conftest import accept, declare

pytestmark = pytest.mark.django_db


def public(client, alliance) -> str:
    return client.get(f"/declarations/public/{alliance.slug}/").content.decode()


def test_an_ended_interest_leaves_the_public_register_6_months_after_it_ended(
    client, alice, priya, alliance, time_machine
):
    declaration = accept(declare(alice), priya)
    services.declaration_end(declaration=declaration, actor=alice.user, ended_on=datetime.date(2026, 3, 15))
    assert "Acme Health Supplies" in public(client, alliance)
    time_machine.move_to(datetime.datetime(2026, 9, 15, 12, tzinfo=datetime.UTC), tick=False)
    assert "Acme Health Supplies" in public(client, alliance)  # six months to the day: still there
    time_machine.move_to(datetime.datetime(2026, 9, 16, 12, tzinfo=datetime.UTC), tick=False)
    assert "Acme Health Supplies" not in public(client, alliance)
    client.force_login(priya)
    assert "Acme Health Supplies" in client.get("/declarations/register/").content.decode()  # the record stays


def test_an_interest_past_its_own_end_date_leaves_too_and_the_window_is_the_partnerships(
    client, alice, priya, alliance, time_machine
):
    accept(declare(alice, situation="outside_employment", ends_on=datetime.date(2026, 3, 18), value=None), priya)
    DeclarationPolicy.objects.create(partnership=alliance, historic_months=1)
    time_machine.move_to(datetime.datetime(2026, 4, 18, 12, tzinfo=datetime.UTC), tick=False)
    assert "Acme Health Supplies" in public(client, alliance)
    time_machine.move_to(datetime.datetime(2026, 4, 19, 12, tzinfo=datetime.UTC), tick=False)
    assert "Acme Health Supplies" not in public(client, alliance)
