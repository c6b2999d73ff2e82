"""Each partnership publishes its accepted declarations, as accepted, except those the
programme manager withheld for a recorded reason; anyone may read it without logging in."""

import datetime

import pytest

from declarations import services

from .conftest import EXCLUDED, accept, declare, send_back
from .test_revisions import update

pytestmark = pytest.mark.django_db

PUBLIC = "/declarations/public/health-creation-alliance/"


def published(client) -> list[int]:
    response = client.get(PUBLIC)
    assert response.status_code == 200
    return [declaration.pk for declaration in response.context["page"]]


def test_anyone_reads_the_accepted_declarations_without_logging_in(client, alice, bob, acme, priya):
    gift = accept(declare(alice, counterparty_organisation=acme, counterparty_name=""), priya, EXCLUDED)
    declare(bob)  # submitted, not yet accepted
    send_back(declare(bob, counterparty_name="Westway Pharmacy"), priya)
    declare(alice, submit=False)
    assert published(client) == [gift.pk]
    page = client.get(PUBLIC).content.decode()
    assert "Alice Adams, Riverside Community Health" in page
    assert "Financial: gift" in page and "Acme Health Supplies" in page and "A hamper at Christmas" in page
    assert "£60.00, accepted" in page
    assert "Excluded from decisions concerning Acme Health Supplies" in page


def test_the_public_sees_a_chosen_subset_of_fields(client, alice, priya):
    accept(declare(alice, arose_on=datetime.date(2025, 12, 1)), priya, note="Declared late but complete.")
    page = client.get(PUBLIC).content.decode()
    assert "alice@example.org" not in page
    assert "Declared late but complete." not in page  # the reviewer's note is not published
    assert "Late" not in page


def test_nil_declarations_appear_as_such(client, bob, priya):
    nil = accept(declare(bob, nil=True), priya)
    assert published(client) == [nil.pk]
    assert "Nil declaration: no interests to declare" in client.get(PUBLIC).content.decode()


def test_the_register_shows_the_text_as_accepted_while_an_update_is_reviewed(client, alice, priya):
    declaration = update(accept(declare(alice), priya), description="A hamper and a weekend away")
    page = client.get(PUBLIC).content.decode()
    assert declaration.pk in published(client)
    assert "A hamper at Christmas" in page and "A hamper and a weekend away" not in page


def test_an_ended_interest_stays_on_the_register_marked_as_ended(client, alice, priya):
    declaration = accept(declare(alice, situation="outside_employment"), priya)
    services.declaration_end(declaration=declaration, actor=alice.user, ended_on=datetime.date(2026, 3, 18))
    page = client.get(PUBLIC).content.decode()
    assert "ended 18 March 2026" in page


def test_the_programme_manager_withholds_a_declaration_with_a_recorded_reason(client, alice, priya):
    declaration = accept(declare(alice), priya)
    client.force_login(priya)
    response = client.post(f"/declarations/{declaration.pk}/withhold/", {"reason": "A risk to her personal safety"})
    assert response["Location"] == f"/declarations/{declaration.pk}/"
    declaration.refresh_from_db()
    assert declaration.is_withheld and declaration.withheld_reason == "A risk to her personal safety"
    event = declaration.events.last()
    assert (event.action, event.actor, event.note, event.from_status, event.to_status) == (
        "withheld",
        priya,
        "A risk to her personal safety",
        "accepted",
        "accepted",
    )
    client.logout()
    assert published(client) == []
    assert "personal safety" not in client.get(PUBLIC).content.decode()

    client.force_login(priya)
    assert "Withheld" in client.get(f"/declarations/{declaration.pk}/").content.decode()
    client.post(f"/declarations/{declaration.pk}/release/", {"reason": "The risk has passed"})
    client.logout()
    assert published(client) == [declaration.pk]
    assert [e.action for e in declaration.events.all()][-2:] == ["withheld", "released"]


def test_a_declaration_can_be_withheld_before_it_is_accepted(alice, priya, client):
    declaration = declare(alice)
    services.declaration_withhold(declaration=declaration, actor=priya, reason="Personal safety")
    accept(declaration, priya)
    assert published(client) == []


def test_withholding_needs_a_reason(client, alice, priya):
    declaration = accept(declare(alice), priya)
    client.force_login(priya)
    response = client.post(f"/declarations/{declaration.pk}/withhold/", {"reason": "   "})
    assert "Enter the reason for withholding this declaration" in response.content.decode()
    assert not declaration.__class__.objects.get(pk=declaration.pk).is_withheld
    with pytest.raises(services.DeclarationError, match="Enter the reason"):
        services.declaration_withhold(declaration=declaration, actor=priya, reason="")


def test_only_the_programme_manager_withholds(client, alice, rita, bob, priya):
    declaration = accept(declare(alice), priya)
    client.force_login(rita)
    assert client.get(f"/declarations/{declaration.pk}/withhold/").status_code == 403
    with pytest.raises(services.DeclarationError, match="Only the programme manager"):
        services.declaration_withhold(declaration=declaration, actor=rita, reason="No")
    client.force_login(bob.user)
    assert client.get(f"/declarations/{declaration.pk}/withhold/").status_code == 404


def test_a_partner_sees_colleagues_interests_only_as_the_public_does(client, alice, bob, priya):
    published_one = accept(declare(alice), priya)
    unpublished = declare(alice, counterparty_name="Northfield Golf Club")
    withheld = accept(declare(alice, counterparty_name="Eastgate Lodge"), priya)
    services.declaration_withhold(declaration=withheld, actor=priya, reason="Personal safety")

    public_page = client.get(PUBLIC).content.decode()
    client.force_login(bob.user)
    assert client.get(PUBLIC).content.decode().count("Alice Adams") == public_page.count("Alice Adams") == 1
    for declaration in (published_one, unpublished, withheld):
        assert client.get(f"/declarations/{declaration.pk}/").status_code == 404
    page = client.get("/declarations/").content.decode()
    assert "Northfield Golf Club" not in page and "Eastgate Lodge" not in page


def test_every_partnership_has_a_register_and_an_unknown_one_is_not_found(client, seed_codes):
    page = client.get("/declarations/public/").content.decode()
    assert "The Health Creation Alliance" in page and "Coalition for Personalised Care" in page
    assert client.get("/declarations/public/no-such-partnership/").status_code == 404
