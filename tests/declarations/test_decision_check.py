"""One service answers "may this person take part in a decision about X?": not while a
declaration of theirs naming X is unresolved, nor while an accepted one excludes them."""

import datetime

import pytest

from conduct.models import Organisation, PartnershipRole
from declarations import services
from declarations.services import DecisionCheck, decision_participation_check
from tests.conftest import make_user

from .conftest import EXCLUDED, accept, declare, send_back
from .test_revisions import update

pytestmark = pytest.mark.django_db


def check(partner_or_user, **about) -> DecisionCheck:
    user = getattr(partner_or_user, "user", partner_or_user)
    return decision_participation_check(user=user, **about)


def test_someone_with_no_declarations_may_take_part(priya, acme):
    result = check(priya, organisation=acme)
    assert result == DecisionCheck(allowed=True, conflicts=())
    assert result.reason == "You have not declared an interest that stops you taking part in this decision."


@pytest.mark.parametrize("role", PartnershipRole.Role.values)
def test_the_check_stops_a_programme_manager_reviewer_or_panel_member_who_is_not_a_partner(alliance, acme, role):
    """The defect this replaces: someone who was not a partner could not declare, so the check always let them by."""
    pat = make_user("pat", "Pat", "Power")
    PartnershipRole.objects.create(user=pat, partnership=alliance, role=role)
    declaration = declare(pat, counterparty_organisation=acme, counterparty_name="")
    assert declaration.declarant == pat and declaration.partner is None and declaration.organisation is None
    result = check(pat, organisation=acme)
    assert result.conflicts == (declaration,)
    assert result.reason == (
        f"You have declared an interest concerning Acme Health Supplies that is not yet resolved (declaration "
        f"{declaration.pk}, submitted 20 March 2026). It is resolved once a reviewer accepts it, or once the "
        "interest has ended and that is recorded; or the chair or programme manager may grant a dispensation."
    )


def test_an_administrator_declares_to_any_partnership_and_is_checked_the_same(ada, acme, coalition):
    declaration = declare(ada, partnership=coalition, counterparty_organisation=acme)
    assert check(ada, organisation=acme).conflicts == (declaration,)


def test_the_refusal_can_name_someone_else_for_whoever_would_assign_them(priya, acme):
    declaration = declare(priya, counterparty_organisation=acme, counterparty_name="")
    assert (
        check(priya, organisation=acme)
        .reason_about(priya)
        .startswith(
            f"Priya Patel has declared an interest concerning Acme Health Supplies that is not yet resolved "
            f"(declaration {declaration.pk}"
        )
    )


def test_someone_not_logged_in_has_no_declarations(acme):
    from django.contrib.auth.models import AnonymousUser

    assert decision_participation_check(user=AnonymousUser(), organisation=acme).allowed


def test_a_partner_with_no_declarations_may_take_part(alice, acme):
    assert check(alice, organisation=acme, person_name="Jo Bloggs").allowed


def test_a_submitted_declaration_naming_the_organisation_stops_the_partner(alice, acme):
    declaration = declare(alice, counterparty_organisation=acme, counterparty_name="")
    result = check(alice, organisation=acme)
    assert not result.allowed and result.conflicts == (declaration,)
    assert result.reason == (
        f"You have declared an interest concerning Acme Health Supplies that is not yet resolved "
        f"(declaration {declaration.pk}, submitted 20 March 2026). It is resolved once a reviewer accepts it, "
        "or once the interest has ended and that is recorded; or the chair or programme manager may grant a "
        "dispensation."
    )


def test_the_organisation_matches_by_name_whatever_its_case(alice, acme):
    declaration = declare(alice, counterparty_name="  acme   HEALTH supplies ")
    assert check(alice, organisation=acme).conflicts == (declaration,)


def test_a_person_matches_by_name_whatever_the_case(alice):
    declaration = declare(alice, situation="outside_employment", counterparty_name="Dr Jo Bloggs")
    assert check(alice, person_name="dr jo  bloggs").conflicts == (declaration,)
    assert check(alice, person_name="Dr Jo Blogs").allowed


def test_a_returned_declaration_is_still_unresolved(alice, acme, priya):
    send_back(declare(alice, counterparty_organisation=acme), priya)
    assert not check(alice, organisation=acme).allowed


def test_an_accepted_declaration_without_an_exclusion_lets_the_partner_take_part(alice, acme, priya):
    accept(declare(alice, counterparty_organisation=acme), priya, ("no_confidential_papers", ""))
    assert check(alice, organisation=acme).allowed


def test_an_accepted_declaration_that_excludes_the_partner_stops_them(alice, acme, priya):
    declaration = accept(declare(alice, counterparty_organisation=acme, counterparty_name=""), priya, EXCLUDED)
    result = check(alice, organisation=acme)
    assert result.conflicts == (declaration,)
    assert result.reason == (
        f"Your declaration of an interest concerning Acme Health Supplies (declaration {declaration.pk}) was "
        "accepted on 20 March 2026 on condition that you are excluded from decisions concerning Acme Health "
        "Supplies. That lasts until the interest's end is recorded on the declaration, unless the chair or "
        "programme manager grants a dispensation."
    )


def test_an_exclusion_lapses_once_the_interest_has_reached_its_stated_end(alice, acme, priya):
    accept(declare(alice, counterparty_organisation=acme, ends_on=datetime.date(2026, 3, 19)), priya, EXCLUDED)
    assert check(alice, organisation=acme).allowed
    accept(declare(alice, counterparty_organisation=acme, ends_on=datetime.date(2026, 3, 20)), priya, EXCLUDED)
    assert not check(alice, organisation=acme).allowed


def test_an_ended_declaration_no_longer_stops_the_partner(alice, acme, priya):
    declaration = accept(declare(alice, counterparty_organisation=acme), priya, EXCLUDED)
    services.declaration_end(declaration=declaration, actor=alice.user, ended_on=datetime.date(2026, 3, 18))
    assert check(alice, organisation=acme).allowed


def test_a_draft_is_not_yet_a_declaration(alice, acme):
    declare(alice, counterparty_organisation=acme, submit=False)
    assert check(alice, organisation=acme).allowed


def test_an_update_waiting_for_review_is_unresolved_again(alice, acme, priya):
    declaration = update(accept(declare(alice, counterparty_organisation=acme), priya), description="More tickets")
    assert check(alice, organisation=acme).conflicts == (declaration,)


def test_an_update_that_names_someone_else_frees_the_partner_for_the_first(alice, acme, priya):
    declaration = declare(alice, counterparty_organisation=acme, counterparty_name="")
    update(declaration, counterparty_organisation=None, counterparty_name="Westway Pharmacy")
    assert check(alice, organisation=acme).allowed
    assert not check(alice, person_name="westway pharmacy").allowed


def test_only_the_partners_own_declarations_count(alice, bob, acme):
    declare(bob, counterparty_organisation=acme)
    assert check(alice, organisation=acme).allowed
    assert not check(bob, organisation=acme).allowed


def test_a_declaration_about_another_organisation_does_not_stop_the_partner(alice, acme):
    declare(alice, counterparty_organisation=acme)
    other = Organisation.objects.create(name="Borough Leisure Trust", slug="borough-leisure-trust")
    assert check(alice, organisation=other).allowed


def test_declarations_to_any_partnership_count(alice, acme, coalition):
    from conduct.models import Membership

    Membership.objects.create(
        organisation=alice.organisation, partnership=coalition, started_on=datetime.date(2024, 1, 1)
    )
    declare(alice, partnership=coalition, counterparty_organisation=acme)
    assert not check(alice, organisation=acme).allowed


def test_the_organisation_or_the_person_either_may_conflict(alice, acme):
    declare(alice, situation="outside_employment", counterparty_name="Dr Jo Bloggs")
    assert not check(alice, organisation=acme, person_name="Dr Jo Bloggs").allowed


def test_every_conflict_is_listed_with_a_sentence_each(alice, acme, priya):
    first = declare(alice, counterparty_organisation=acme, counterparty_name="")
    second = accept(declare(alice, counterparty_name="ACME HEALTH SUPPLIES"), priya, EXCLUDED)
    result = check(alice, organisation=acme)
    assert result.conflicts == (first, second)
    assert result.reason.count("Acme Health Supplies") + result.reason.count("ACME HEALTH SUPPLIES") == 3


def test_a_decision_about_no_one_conflicts_with_nothing(alice, acme):
    declare(alice, counterparty_organisation=acme)
    assert check(alice).allowed and check(alice, person_name="   ").allowed


def test_the_check_is_a_fixed_number_of_queries(alice, acme, priya, django_assert_num_queries):
    for _ in range(5):
        accept(declare(alice, counterparty_organisation=acme), priya, EXCLUDED)
    # One query for a suspension that stops her, one for her declarations.
    with django_assert_num_queries(2):
        result = check(alice, organisation=acme)
        assert len(result.conflicts) == 5 and result.reason
