"""A meeting's conflicts list reads the register's declared interests in a query written out
in SQL; it must find exactly what the shared rule (`declared_interests`) finds, read as the ORM
reads it, on data chosen to catch the rule's edges."""

import datetime

import pytest

from conduct.models import Organisation
from declarations import services
from declarations.selectors import declared_interests, declared_interests_read

from .conftest import EXCLUDED, accept, declare, send_back
from .test_revisions import update

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(alice, bob, charlie, priya, acme):
    """Declarations of every state, naming organisations by link and by name in any case."""
    westway = Organisation.objects.create(name="Westway Pharmacy", slug="westway-pharmacy")
    declare(alice, counterparty_organisation=acme, counterparty_name="")
    send_back(declare(alice, situation="outside_employment", counterparty_name="Dr Jo Bloggs"), priya)
    accept(declare(alice, counterparty_name="ACME HEALTH SUPPLIES"), priya, EXCLUDED)
    accept(declare(alice, counterparty_organisation=westway), priya, ("no_confidential_papers", ""))
    accept(declare(bob, counterparty_organisation=westway, ends_on=datetime.date(2026, 3, 19)), priya, EXCLUDED)
    accept(declare(bob, counterparty_organisation=westway, ends_on=datetime.date(2026, 3, 20)), priya, EXCLUDED)
    accept(declare(bob, counterparty_name="dr jo bloggs", ends_on=datetime.date(2026, 6, 1)), priya, EXCLUDED)
    ended = accept(declare(bob, counterparty_organisation=acme), priya, EXCLUDED)
    services.declaration_end(declaration=ended, actor=bob.user, ended_on=datetime.date(2026, 3, 18))
    update(accept(declare(bob, counterparty_organisation=acme), priya, EXCLUDED), description="More tickets")
    declare(charlie, counterparty_organisation=acme)
    declare(charlie, counterparty_organisation=westway, submit=False)
    declare(charlie, nil=True)
    return westway


def read_both(**asked):
    by_orm = list(declared_interests(**asked))
    written_out = declared_interests_read(**asked)
    return by_orm, written_out


@pytest.mark.parametrize(
    "about",
    [
        {"organisations": "acme"},
        {"organisations": "westway"},
        {"organisations": "both"},
        {"person_names": ["Dr  Jo Bloggs"]},
        {"person_names": ["acme health supplies", "  "]},
        {"organisations": "westway", "person_names": ["DR JO BLOGGS"]},
        {"person_names": []},
    ],
)
@pytest.mark.parametrize("on", [None, datetime.date(2026, 3, 21), datetime.date(2027, 1, 1)])
def test_the_written_out_query_finds_what_the_rule_finds(register, acme, alice, bob, charlie, priya, about, on):
    chosen = {"acme": [acme], "westway": [register], "both": [acme, register]}
    asked = {
        "user_ids": [alice.user.pk, bob.user.pk, charlie.user.pk, priya.pk],
        "organisations": chosen.get(about.get("organisations"), []),
        "person_names": about.get("person_names", []),
        "on": on,
    }
    by_orm, written_out = read_both(**asked)
    assert [declaration.pk for declaration in written_out] == [declaration.pk for declaration in by_orm]
    for ours, theirs in zip(written_out, by_orm, strict=True):
        # Read as the ORM reads it: dates and times converted, the revision and whom it names attached.
        assert ours.__dict__.keys() >= {"status", "first_submitted_at", "accepted_at", "declarant_id"}
        for name in ("status", "first_submitted_at", "accepted_at", "declarant_id", "revision_id"):
            assert getattr(ours, name) == getattr(theirs, name)
        for name in ("kind", "situation", "counterparty_name", "ends_on", "counterparty_organisation_id", "summary"):
            assert getattr(ours.revision, name) == getattr(theirs.revision, name)
        assert ours.revision.counterparty == theirs.revision.counterparty


def test_the_written_out_query_finds_someone_only_their_own_declarations(register, acme, alice, bob):
    by_orm, written_out = read_both(user_ids=[bob.user.pk], organisations=[acme, register])
    assert written_out and [d.pk for d in written_out] == [d.pk for d in by_orm]
    assert {declaration.declarant_id for declaration in written_out} == {bob.user.pk}
    assert declared_interests_read(user_ids=[], organisations=[acme]) == []


def test_the_written_out_query_reads_a_declaration_and_whom_it_names_in_one_query(
    register, acme, alice, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = declared_interests_read(user_ids=[alice.user.pk], organisations=[acme, register])
        assert [declaration.revision.summary for declaration in found]
        assert {declaration.revision.counterparty for declaration in found} == {
            "Acme Health Supplies",
            "ACME HEALTH SUPPLIES",
        }
