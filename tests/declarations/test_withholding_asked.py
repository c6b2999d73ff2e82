"""The declarant asks for their declaration to be withheld from the public register, with a
reason; the programme manager withholds it (granting the request) or refuses, with a reason.
Every step is in the declaration's history."""

import pytest

from declarations.models import Declaration, DeclarationEvent

from .conftest import accept, declare

pytestmark = pytest.mark.django_db


def test_the_declarant_asks_and_the_programme_manager_withholds_it(client, alice, priya, alliance):
    declaration = accept(declare(alice), priya)
    client.force_login(alice.user)
    assert (
        "Ask for it to be withheld from the public register"
        in client.get(declaration.get_absolute_url()).content.decode()
    )
    url = f"/declarations/{declaration.pk}/ask-to-withhold/"
    body = client.post(url, {"reason": " "}).content.decode()
    assert "govuk-error-summary" in body and "Enter why it should be withheld from the public register" in body
    assert client.post(url, {"reason": "My former partner must not find where I work."}).status_code == 302
    declaration.refresh_from_db()
    assert declaration.withholding_asked_reason == "My former partner must not find where I work."
    event = DeclarationEvent.objects.filter(declaration=declaration).last()
    assert (event.action, event.actor, event.note) == (
        "withholding_asked",
        alice.user,
        declaration.withholding_asked_reason,
    )
    # Still public until the programme manager decides.
    assert "Acme Health Supplies" in client.get(f"/declarations/public/{alliance.slug}/").content.decode()

    client.force_login(priya)
    page = client.get(declaration.get_absolute_url()).content.decode()
    assert "My former partner must not find where I work." in page and "Refuse the request to withhold it" in page
    withhold = client.get(f"/declarations/{declaration.pk}/withhold/").content.decode()
    assert "asked for it to be withheld because: My former partner" in withhold
    client.post(f"/declarations/{declaration.pk}/withhold/", {"reason": "Personal safety, as asked."})
    declaration.refresh_from_db()
    assert declaration.is_withheld and declaration.withholding_asked_at is None
    assert "Acme Health Supplies" not in client.get(f"/declarations/public/{alliance.slug}/").content.decode()


def test_the_programme_manager_refuses_with_a_reason(client, alice, priya):
    declaration = accept(declare(alice), priya)
    client.force_login(alice.user)
    client.post(f"/declarations/{declaration.pk}/ask-to-withhold/", {"reason": "I would rather not."})
    again = client.post(f"/declarations/{declaration.pk}/ask-to-withhold/", {"reason": "Please."}).content.decode()
    assert "You have already asked: the programme manager will decide." in again
    client.force_login(priya)
    url = f"/declarations/{declaration.pk}/refuse-to-withhold/"
    assert "Enter why it is not withheld" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Preference is not a ground under our code."}).status_code == 302
    declaration = Declaration.objects.get(pk=declaration.pk)
    assert declaration.withholding_asked_at is None and not declaration.is_withheld
    assert list(declaration.events.values_list("action", flat=True))[-2:] == [
        "withholding_asked",
        "withholding_refused",
    ]


def test_only_the_declarant_asks_and_only_the_programme_manager_refuses(client, alice, bob, priya):
    declaration = accept(declare(alice), priya)
    client.force_login(bob.user)
    assert client.post(f"/declarations/{declaration.pk}/ask-to-withhold/", {"reason": "x"}).status_code == 404
    client.force_login(alice.user)
    client.post(f"/declarations/{declaration.pk}/ask-to-withhold/", {"reason": "Safety."})
    assert client.post(f"/declarations/{declaration.pk}/refuse-to-withhold/", {"reason": "x"}).status_code == 403
    assert Declaration.objects.get(pk=declaration.pk).withholding_asked_at is not None
