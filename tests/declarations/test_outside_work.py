"""Outside employment and private practice need permission before they start (NHS England's
guidance): the declaration records who gave it and when; private practice also where, when
and how many hours a week. Shareholdings say that pension funds and unit trusts are excluded."""

import datetime

import pytest

from declarations.models import DeclarationRevision

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
    )
    assert declaration.revision.practice_place == "Y"
    gift = declare(alice, permitted_by="X", practice_place="Y")
    assert (gift.revision.permitted_by, gift.revision.practice_place) == ("", "")


def test_a_shareholding_says_pension_funds_and_unit_trusts_are_excluded(client, alice):
    draft = declare(alice, submit=False, situation="shareholding")
    client.force_login(alice.user)
    assert "Pension funds and unit trusts are excluded" in client.get(question_url(draft, "details")).content.decode()
    assert "Pension funds and unit trusts are excluded" in client.get(question_url(draft, "situation")).content.decode()
