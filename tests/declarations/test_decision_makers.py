"""Decision-making staff: a partnership marks people as its decision-makers (a role); they are
asked to declare on appointment; the published register covers them only, or everyone, as the
partnership chooses; a published list names those who have made no declaration, not even nil."""

import pytest
from django.core import mail

from conduct import services as conduct_services
from conduct.models import PartnershipRole
from declarations.models import DeclarationPolicy

from .conftest import accept, declare

pytestmark = pytest.mark.django_db

DECISION_MAKER = PartnershipRole.Role.DECISION_MAKER


def test_a_decision_maker_is_asked_to_declare_on_appointment(
    alice, priya, alliance, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        conduct_services.role_grant(partnership=alliance, user=alice.user, role=DECISION_MAKER, actor=priya)
        conduct_services.role_grant(partnership=alliance, user=alice.user, role=DECISION_MAKER, actor=priya)
    asked = [message for message in mail.outbox if "decision-maker" in message.subject]
    assert [message.to for message in asked] == [[alice.user.email]]  # once, however often granted
    assert "/declarations/new/" in asked[0].body


def test_the_published_list_names_decision_makers_who_have_not_declared(client, alice, bob, charlie, priya, alliance):
    for person in (alice, bob):
        PartnershipRole.objects.create(user=person.user, partnership=alliance, role=DECISION_MAKER)
    declare(bob, nil=True)  # a nil declaration counts
    declare(alice, submit=False)  # a draft does not
    page = client.get(f"/declarations/public/{alliance.slug}/not-declared/").content.decode()
    listed = page[page.index('id="not-declared"') :]
    assert "Alice Adams" in listed and "Bob Brown" not in listed and "Charlie" not in listed
    assert "not-declared/" in client.get(f"/declarations/public/{alliance.slug}/").content.decode()


def test_the_public_register_covers_decision_makers_only_when_the_partnership_says_so(
    client, alice, bob, priya, alliance
):
    PartnershipRole.objects.create(user=alice.user, partnership=alliance, role=DECISION_MAKER)
    accept(declare(alice), priya)
    accept(declare(bob, counterparty_name="Bobs Supplier Ltd"), priya)
    page = client.get(f"/declarations/public/{alliance.slug}/").content.decode()
    assert "Alice Adams" in page and "Bob Brown" in page
    DeclarationPolicy.objects.create(partnership=alliance, public_register_decision_makers_only=True)
    page = client.get(f"/declarations/public/{alliance.slug}/").content.decode()
    assert "Alice Adams" in page and "Bob Brown" not in page
