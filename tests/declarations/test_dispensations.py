"""The chair or programme manager grants a named person a time-limited dispensation to take part
despite a declared interest, with a reason; it is recorded, shown, and expires by itself."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conduct.models import AuditEntry
from declarations import services
from declarations.models import Dispensation
from declarations.services import decision_participation_check

from .conftest import EXCLUDED, accept, declare

pytestmark = pytest.mark.django_db

MARCH_20, MARCH_31 = datetime.date(2026, 3, 20), datetime.date(2026, 3, 31)


def grant(declaration, actor, *, starts_on=MARCH_20, ends_on=MARCH_31, reason="Only Alice knows the contract"):
    return services.dispensation_grant(
        declaration=declaration, actor=actor, reason=reason, starts_on=starts_on, ends_on=ends_on
    )


def test_a_dispensation_lets_the_declarant_take_part_until_it_expires_by_itself(alice, acme, priya, time_machine):
    declaration = accept(declare(alice, counterparty_organisation=acme), priya, EXCLUDED)
    assert not decision_participation_check(user=alice.user, organisation=acme).allowed
    dispensation = grant(declaration, priya)
    assert decision_participation_check(user=alice.user, organisation=acme).allowed
    assert AuditEntry.objects.filter(action="declaration.dispensation_granted").count() == 1
    time_machine.move_to(datetime.datetime(2026, 3, 31, 20, 0, tzinfo=datetime.UTC), tick=False)
    assert decision_participation_check(user=alice.user, organisation=acme).allowed
    time_machine.move_to(datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC), tick=False)
    assert not decision_participation_check(user=alice.user, organisation=acme).allowed
    # Expired, it stays on the record.
    assert Dispensation.objects.get() == dispensation


def test_a_dispensation_starting_later_has_no_effect_yet(alice, acme, priya):
    declaration = declare(alice, counterparty_organisation=acme)
    grant(declaration, priya, starts_on=datetime.date(2026, 3, 25))
    assert not decision_participation_check(user=alice.user, organisation=acme).allowed


def test_the_declaration_shows_its_dispensations(client, alice, acme, priya):
    declaration = declare(alice, counterparty_organisation=acme)
    grant(declaration, priya, reason="Only Alice knows the contract")
    client.force_login(alice.user)
    page = client.get(declaration.get_absolute_url()).content.decode()
    assert "From 20 March 2026 to 31 March 2026, granted by Priya Patel: Only Alice knows the contract" in page


def test_only_the_chair_or_programme_manager_grants_and_never_on_their_own(alice, bob, acme, priya, rita):
    declaration = declare(alice, counterparty_organisation=acme)
    for someone in (bob.user, rita, alice.user):
        with pytest.raises(services.DeclarationError, match="Only the chair or programme manager"):
            grant(declaration, someone)
    with pytest.raises(services.DeclarationError, match="Only the chair or programme manager"):
        grant(declare(priya, counterparty_organisation=acme), priya)
    assert not Dispensation.objects.exists()


def test_a_conflicted_programme_manager_cannot_grant_one(alice, acme, priya):
    own = declare(priya, counterparty_organisation=acme, counterparty_name="")
    with pytest.raises(services.DeclarationError, match=f"declaration {own.pk}"):
        grant(declare(alice, counterparty_organisation=acme), priya)


@pytest.mark.parametrize(
    "starts_on, ends_on, reason, message",
    [
        (MARCH_20, MARCH_31, "  ", "Enter the reason"),
        (MARCH_31, MARCH_20, "Why", "end on or after the day it starts"),
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 19), "Why", "end today or later"),
        (MARCH_20, datetime.date(2027, 3, 21), "Why", "at most a year"),
    ],
)
def test_a_dispensation_needs_a_reason_and_sensible_days(alice, acme, priya, starts_on, ends_on, reason, message):
    declaration = declare(alice, counterparty_organisation=acme)
    with pytest.raises(services.DeclarationError, match=message):
        grant(declaration, priya, starts_on=starts_on, ends_on=ends_on, reason=reason)


def test_a_dispensation_is_never_changed_or_deleted(alice, acme, priya):
    dispensation = grant(declare(alice, counterparty_organisation=acme), priya)
    with pytest.raises(ValidationError):
        Dispensation.objects.filter(pk=dispensation.pk).update(ends_on=datetime.date(2026, 12, 31))
    with pytest.raises(ValidationError):
        dispensation.delete()
