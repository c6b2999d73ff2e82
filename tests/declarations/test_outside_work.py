"""Outside employment and private practice need permission before they start (NHS England's
guidance): the declaration records who gave it and when; private practice also where, when
and how many hours a week. Shareholdings say that pension funds and unit trusts are excluded."""

import datetime
from decimal import Decimal

import pytest

from declarations import services
from declarations.models import Declaration, DeclarationRevision

from .conftest import declare
from .test_bad_input import date_fields
from .test_declaring import question_url

pytestmark = pytest.mark.django_db

ARISES = date_fields("arose_on", datetime.date(2026, 3, 1))


def details(client, draft, **answers):
    return client.post(
        question_url(draft, "details"),
        {"description": "Locum work", **ARISES, **date_fields("ends_on", None), **answers},
    )


def test_outside_employment_asks_who_permitted_it_and_when(client, alice):
    draft = declare(alice, submit=False, situation="outside_employment")
    client.force_login(alice.user)
    body = details(client, draft).content.decode()
    assert "govuk-error-summary" in body
    assert "Enter who gave you permission" in body and "Enter the date permission was given" in body
    response = details(
        client, draft, permitted_by="Dr Jo Director", **date_fields("permitted_on", datetime.date(2026, 2, 1))
    )
    assert response.status_code == 302
    revision = DeclarationRevision.objects.get(declaration=draft, submitted_at__isnull=True)
    assert (revision.permitted_by, revision.permitted_on) == ("Dr Jo Director", datetime.date(2026, 2, 1))
    check = client.get(f"/declarations/{draft.pk}/check/").content.decode()
    assert "Given by Dr Jo Director on 1 February 2026" in check


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("", "Enter how many hours a week you practise"),
        ("0", "Enter at least half an hour a week"),
        ("169", "A week has 168 hours: enter 168 or fewer"),
        ("seven", "Enter the hours a week as a number, for example 8 or 7.5"),
        ("7.25", "Enter the hours to the nearest half hour, for example 7.5"),
    ],
)
def test_private_practice_asks_where_when_and_how_many_hours(client, alice, hours, message):
    draft = declare(alice, submit=False, situation="private_practice")
    client.force_login(alice.user)
    permission = {"permitted_by": "The medical director", **date_fields("permitted_on", datetime.date(2026, 2, 1))}
    body = details(
        client, draft, **permission, practice_place="Harley Street", practice_times="Saturdays", practice_hours=hours
    ).content.decode()
    assert message in body
    response = details(
        client,
        draft,
        **permission,
        practice_place="Harley Street",
        practice_times="Saturday mornings",
        practice_hours="7.5",
    )
    assert response.status_code == 302
    check = client.get(f"/declarations/{draft.pk}/check/").content.decode()
    assert "At Harley Street, Saturday mornings, 7.5 hours a week" in check


def test_the_fields_of_one_situation_are_not_kept_on_another(alice):
    declaration = declare(
        alice,
        situation="private_practice",
        permitted_by="X",
        permitted_on=datetime.date(2026, 2, 1),
        practice_place="Y",
        practice_times="Z",
        practice_hours=Decimal("2"),
    )
    assert declaration.revision.practice_place == "Y"
    gift = declare(alice, permitted_by="X", practice_place="Y")
    assert (gift.revision.permitted_by, gift.revision.practice_place) == ("", "")


def test_a_shareholding_says_pension_funds_and_unit_trusts_are_excluded(client, alice):
    draft = declare(alice, submit=False, situation="shareholding")
    client.force_login(alice.user)
    assert "Pension funds and unit trusts are excluded" in client.get(question_url(draft, "details")).content.decode()
    assert "Pension funds and unit trusts are excluded" in client.get(question_url(draft, "situation")).content.decode()


# --- The rule is the service's: every way in meets it -------------------------------------

NO_PERMISSION = {"permitted_by": "", "permitted_on": None}


def draft_lacking(alice, situation: str, **blanks) -> Declaration:
    """A draft whose answers were saved before the rule (or written around the services)."""
    draft = declare(alice, submit=False, situation=situation)
    DeclarationRevision.objects.filter(declaration=draft, submitted_at__isnull=True).update(**blanks)
    return draft


def test_submitting_outside_employment_without_permission_is_refused_by_the_service_naming_each_answer(alice):
    draft = draft_lacking(alice, "outside_employment", **NO_PERMISSION)
    with pytest.raises(services.DeclarationError) as raised:
        services.declaration_submit(declaration=draft, actor=alice.user)
    assert raised.value.message_dict == {
        "permitted_by": ["Enter who gave you permission"],
        "permitted_on": ["Enter the date permission was given"],
    }
    assert Declaration.objects.get(pk=draft.pk).status == "draft"
    assert not DeclarationRevision.objects.filter(declaration=draft, submitted_at__isnull=False).exists()


def test_submitting_private_practice_without_where_when_and_hours_is_refused_by_the_service(alice):
    draft = draft_lacking(alice, "private_practice", practice_place=" ", practice_times="", practice_hours=None)
    with pytest.raises(services.DeclarationError) as raised:
        services.declaration_submit(declaration=draft, actor=alice.user)
    assert raised.value.message_dict == {
        "practice_place": ["Enter where you practise"],
        "practice_times": ["Enter when you practise"],
        "practice_hours": ["Enter how many hours a week you practise"],
    }
    assert Declaration.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.parametrize(
    ("answers", "refused"),
    [
        (NO_PERMISSION, {"permitted_by", "permitted_on"}),
        ({"permitted_by": "   "}, {"permitted_by"}),
        ({"practice_hours": Decimal("0")}, {"practice_hours"}),
        ({"practice_hours": Decimal("200")}, {"practice_hours"}),
        ({"practice_place": "", "practice_times": ""}, {"practice_place", "practice_times"}),
    ],
)
def test_saving_the_details_without_what_they_need_is_refused_by_the_service_and_nothing_is_saved(
    alice, answers, refused
):
    draft = declare(alice, submit=False, situation="private_practice")
    with pytest.raises(services.DeclarationError) as raised:
        services.declaration_draft_save(declaration=draft, actor=alice.user, description="Locum work", **answers)
    assert set(raised.value.message_dict) == refused
    revision = DeclarationRevision.objects.get(declaration=draft)
    assert (revision.description, revision.permitted_by, revision.practice_hours) == (
        "A hamper at Christmas",
        "The medical director",
        Decimal("4.0"),
    )


def test_a_declaration_recorded_for_someone_needs_their_permission_too(alice, priya, alliance):
    answers = {
        "kind": "financial",
        "situation": "outside_employment",
        "counterparty_name": "Acme Health Supplies",
        "description": "Non-executive director",
        "arose_on": datetime.date(2025, 6, 1),
    }
    with pytest.raises(services.DeclarationError) as raised:
        services.declaration_record_for(
            declarant=alice.user, partnership=alliance, actor=priya, occasion="At the board", **answers
        )
    assert set(raised.value.message_dict) == {"permitted_by", "permitted_on"}
    assert not Declaration.objects.exists()
    recorded = services.declaration_record_for(
        declarant=alice.user,
        partnership=alliance,
        actor=priya,
        occasion="At the board",
        **answers,
        permitted_by="The chair",
        permitted_on=datetime.date(2025, 5, 1),
    )
    assert (recorded.status, recorded.revision.permitted_by) == ("submitted", "The chair")


def test_the_check_page_sends_a_draft_without_permission_back_to_the_details(client, alice):
    draft = draft_lacking(alice, "outside_employment", **NO_PERMISSION)
    client.force_login(alice.user)
    response = client.get(f"/declarations/{draft.pk}/check/")
    assert response.status_code == 302 and response.url == question_url(draft, "details")
