"""Declarations are never deleted or silently edited: an update is a new revision with
the previous ones kept, and an interest that ends is recorded with its end date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from declarations import services
from declarations.models import Declaration, DeclarationRevision

from .conftest import EXCLUDED, accept, declare, send_back

pytestmark = pytest.mark.django_db


def update(declaration, *, note="", **answers):
    services.declaration_revise(declaration=declaration, actor=declaration.partner.user)
    if answers:
        services.declaration_draft_save(declaration=declaration, actor=declaration.partner.user, **answers)
    services.declaration_submit(declaration=declaration, actor=declaration.partner.user, note=note)
    return Declaration.objects.get(pk=declaration.pk)


def test_updating_an_accepted_declaration_keeps_the_accepted_text_until_it_is_reviewed_again(alice, priya):
    declaration = accept(declare(alice), priya, EXCLUDED)
    accepted = declaration.accepted_revision

    declaration = update(declaration, description="A hamper and two theatre tickets", note="I forgot the tickets.")
    assert declaration.status == "submitted" and declaration.revision.number == 2
    assert declaration.accepted_revision == accepted
    assert DeclarationRevision.objects.get(pk=accepted.pk).description == "A hamper at Christmas"
    event = declaration.events.last()
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "updated",
        "accepted",
        "submitted",
        "I forgot the tickets.",
    )

    declaration = accept(declaration, priya)
    assert declaration.accepted_revision.number == 2
    assert list(declaration.revisions.values_list("number", "description")) == [
        (1, "A hamper at Christmas"),
        (2, "A hamper and two theatre tickets"),
    ]


def test_the_partner_sees_the_accepted_text_beside_an_update_waiting_for_review(client, alice, priya):
    declaration = update(accept(declare(alice), priya), description="A hamper and two theatre tickets")
    client.force_login(alice.user)
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert "A hamper and two theatre tickets" in page
    assert "As accepted on 20 March 2026 (revision 1)" in page and "A hamper at Christmas" in page


def test_a_partner_may_correct_a_declaration_before_it_is_reviewed(alice):
    declaration = update(declare(alice), counterparty_name="Acme Health Supplies Ltd")
    assert declaration.status == "submitted" and declaration.revision.number == 2
    assert declaration.events.last().action == "updated"


def test_an_update_in_progress_changes_nothing_until_it_is_submitted(client, alice, priya):
    declaration = accept(declare(alice), priya)
    client.force_login(alice.user)
    client.post(f"/declarations/{declaration.pk}/update/")
    client.post(f"/declarations/{declaration.pk}/questions/kind/", {"kind": "personal"})
    declaration.refresh_from_db()
    assert declaration.status == "accepted" and declaration.revision.kind == "financial"
    assert "Continue your update" in client.get(f"/declarations/{declaration.pk}/").content.decode()
    # Asking to update again carries on with the same unsubmitted revision.
    client.post(f"/declarations/{declaration.pk}/update/")
    assert declaration.revisions.count() == 2


def test_a_submitted_revision_never_changes(alice):
    revision = declare(alice).revision
    revision.description = "Something else"
    with pytest.raises(ValidationError):
        revision.save()
    with pytest.raises(ValidationError):
        revision.delete()
    with pytest.raises(services.DeclarationError, match="Update it to change what it says"):
        services.declaration_draft_save(declaration=revision.declaration, actor=alice.user, description="Sneaky")


def test_a_nil_declaration_cannot_be_updated_into_an_interest(alice, priya):
    declaration = accept(declare(alice, nil=True), priya)
    with pytest.raises(services.DeclarationError, match="A nil declaration cannot be updated"):
        services.declaration_revise(declaration=declaration, actor=alice.user)


def test_only_a_new_declaration_changes_its_partnership_or_whether_it_is_nil(alice):
    declaration = declare(alice)
    services.declaration_revise(declaration=declaration, actor=alice.user)
    with pytest.raises(services.DeclarationError, match="Only a new declaration"):
        services.declaration_draft_save(declaration=declaration, actor=alice.user, is_nil=True)


def test_the_partner_ends_an_interest_with_its_end_date(client, alice, priya):
    declaration = accept(declare(alice, situation="outside_employment", arose_on=datetime.date(2025, 6, 1)), priya)
    client.force_login(alice.user)
    response = client.post(
        f"/declarations/{declaration.pk}/end/",
        {"ended_on_0": "28", "ended_on_1": "2", "ended_on_2": "2026", "reason": "I resigned from the board."},
    )
    assert response["Location"] == f"/declarations/{declaration.pk}/"
    declaration.refresh_from_db()
    assert declaration.status == "ended" and declaration.ended_on == datetime.date(2026, 2, 28)
    assert declaration.accepted_revision.ends_on is None  # the accepted text is kept as it was
    event = declaration.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "ended",
        "accepted",
        "ended",
        alice.user,
        "I resigned from the board.",
    )
    # Ending twice changes nothing.
    services.declaration_end(declaration=declaration, actor=alice.user, ended_on=datetime.date(2026, 3, 1))
    assert Declaration.objects.get(pk=declaration.pk).ended_on == datetime.date(2026, 2, 28)


@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("1", "4", "2026", "The date the interest ended must be today or in the past"),
        ("1", "3", "2026", "The date the interest ended must be on or after the date it arose (10 March 2026)"),
    ],
)
def test_an_end_date_in_the_future_or_before_it_arose_is_refused(client, alice, day, month, year, message):
    declaration = declare(alice)
    client.force_login(alice.user)
    response = client.post(
        f"/declarations/{declaration.pk}/end/", {"ended_on_0": day, "ended_on_1": month, "ended_on_2": year}
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert '<a href="#id_ended_on_0">' in page
    assert f'name="ended_on_0" value="{day}"' in page
    assert Declaration.objects.get(pk=declaration.pk).status == "submitted"


def test_a_returned_declaration_can_be_ended_but_an_ended_one_cannot_be_updated(alice, priya):
    declaration = send_back(declare(alice), priya)
    services.declaration_end(declaration=declaration, actor=alice.user, ended_on=datetime.date(2026, 3, 15))
    with pytest.raises(services.DeclarationError, match="cannot be updated"):
        services.declaration_revise(declaration=declaration, actor=alice.user)
    with pytest.raises(services.DeclarationError, match="cannot be submitted"):
        services.declaration_submit(declaration=declaration, actor=alice.user)


def test_the_database_refuses_what_the_forms_refuse(alice):
    declaration = declare(alice, submit=False)
    revision = declaration.revisions.get()
    for field, value in [("ends_on", datetime.date(2026, 1, 1)), ("value", -1), ("kind", "bribery")]:
        setattr(revision, field, value)
        with pytest.raises(IntegrityError), transaction.atomic():
            revision.save()
        revision.refresh_from_db()


def test_a_submitted_declaration_always_names_whom_it_concerns(alice):
    declaration = declare(alice, submit=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        declaration.revisions.update(counterparty_name="", submitted_at=declaration.created_at)


def test_submitted_revisions_cannot_be_changed_or_deleted_in_bulk_either(alice):
    declaration = declare(alice)
    with pytest.raises(ValidationError):
        DeclarationRevision.objects.filter(declaration=declaration).update(description="Rewritten")
    with pytest.raises(ValidationError):
        DeclarationRevision.objects.filter(declaration=declaration).delete()
    assert declaration.revisions.get().description == "A hamper at Christmas"
