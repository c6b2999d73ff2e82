"""Each rule of the issue's "Bad input" section: a clear message next to the field and
in the error summary, and nothing already typed is lost."""

import datetime
import re

import pytest

from declarations import selectors, services
from declarations.models import DeclarationRevision

from .conftest import declare
from .test_declaring import date_fields, question_url

pytestmark = pytest.mark.django_db

GIFT_DETAILS = {
    "description": "A hamper at Christmas",
    **date_fields("arose_on", datetime.date(2026, 3, 10)),
    **date_fields("ends_on", None),
    "value": "60",
    "cash_or_vouchers": "no",
    "from_supplier": "no",
    "outcome": "accepted",
}


@pytest.fixture
def gift_draft(alice):
    return declare(alice, submit=False)


def post_details(client, declaration, **changes):
    response = client.post(question_url(declaration, "details"), {**GIFT_DETAILS, **changes})
    assert response.status_code == 200, "the page should be shown again with the problem"
    return response.content.decode()


def field_error(page: str, field_id: str) -> str:
    """The error message shown inside the field's form group."""
    group = re.search(
        rf'<div id="div_{field_id}" class="govuk-form-group govuk-form-group--error">(.*?)</div>'
        r'\s*(?=<div id="div_|<input type="submit"|<button)',
        page,
        re.S,
    )
    assert group, f"no error next to {field_id}"
    messages = re.findall(r'<span class="govuk-visually-hidden">Error:</span>\s*(.*?)\s*</span>', group.group(1), re.S)
    return " ".join(messages)


def summary_links(page: str) -> list[tuple[str, str]]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary"
    return re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', summary.group(0))


def assert_problem(page: str, field_id: str, message: str, anchor: str | None = None) -> None:
    assert message in field_error(page, field_id)
    assert (anchor or field_id, message) in summary_links(page)
    assert "<title>Error: " in page


def test_an_end_date_before_the_date_it_arose_is_refused(client, gift_draft):
    client.force_login(gift_draft.partner.user)
    page = post_details(client, gift_draft, **date_fields("ends_on", datetime.date(2026, 3, 1)))
    assert_problem(
        page, "id_ends_on", "The end date must be the same as or after the date the interest arose", "id_ends_on_0"
    )
    assert 'name="ends_on_0" value="1"' in page and 'name="ends_on_2" value="2026"' in page
    assert DeclarationRevision.objects.get(declaration=gift_draft).ends_on is None


def test_a_negative_gift_value_is_refused(client, gift_draft):
    client.force_login(gift_draft.partner.user)
    page = post_details(client, gift_draft, value="-5")
    assert_problem(page, "id_value", "The estimated value cannot be negative")
    assert 'value="-5"' in page


@pytest.mark.parametrize("value", ["250000", "99999999999", "1e9"])
def test_an_absurd_gift_value_is_refused(client, gift_draft, value):
    client.force_login(gift_draft.partner.user)
    page = post_details(client, gift_draft, value=value)
    assert_problem(page, "id_value", "Enter an estimated value of £100,000 or less")
    assert f'value="{value}"' in page


@pytest.mark.parametrize(
    "value, message",
    [
        ("about forty", "Enter the estimated value as an amount in pounds, for example 40 or 39.99"),
        ("39.999", "Enter the estimated value in pounds and pence, for example 39.99"),
        ("", "Enter the estimated value in pounds, for example 40 or 39.99"),
    ],
)
def test_a_value_that_is_not_an_amount_of_money_is_refused(client, gift_draft, value, message):
    client.force_login(gift_draft.partner.user)
    assert_problem(post_details(client, gift_draft, value=value), "id_value", message)


def test_a_gift_dated_in_the_future_is_refused(client, gift_draft):
    client.force_login(gift_draft.partner.user)
    page = post_details(client, gift_draft, **date_fields("arose_on", datetime.date(2026, 4, 2)))
    assert_problem(page, "id_arose_on", "The date you received the gift must be today or in the past", "id_arose_on_0")
    assert 'name="arose_on_1" value="4"' in page


def test_other_interests_may_start_in_the_future(client, alice):
    declaration = declare(alice, submit=False, situation="outside_employment")
    client.force_login(alice.user)
    response = client.post(
        question_url(declaration, "details"),
        {
            "description": "Non-executive director from April",
            **date_fields("arose_on", datetime.date(2026, 4, 1)),
            **date_fields("ends_on", None),
            "permitted_by": "The chair",
            **date_fields("permitted_on", datetime.date(2026, 3, 1)),
        },
    )
    assert response.status_code == 302


def test_a_missing_counterparty_is_refused(client, gift_draft):
    client.force_login(gift_draft.partner.user)
    response = client.post(
        question_url(gift_draft, "concerning"), {"counterparty_organisation": "", "counterparty_name": "   "}
    )
    page = response.content.decode()
    assert_problem(
        page,
        "id_counterparty_name",
        "Choose a member organisation or enter the name of the organisation or person the interest concerns",
    )


def test_over_long_text_is_refused_with_its_limit_and_kept_whole(client, gift_draft):
    client.force_login(gift_draft.partner.user)
    long_description = "A hamper. " * 201  # 2,010 characters
    page = post_details(client, gift_draft, description=long_description)
    assert_problem(page, "id_description", "The description must be 2,000 characters or fewer")
    assert long_description.strip() in page  # nothing cut off
    assert not re.search(r'\smaxlength="', page)  # the browser must not cut pasted text off silently either

    long_name = "Acme " * 41
    response = client.post(question_url(gift_draft, "concerning"), {"counterparty_name": long_name})
    assert_problem(response.content.decode(), "id_counterparty_name", "The name must be 200 characters or fewer")
    assert DeclarationRevision.objects.get(declaration=gift_draft).counterparty_name == "Acme Health Supplies"


def test_cash_or_vouchers_cannot_be_recorded_as_accepted(client, gift_draft):
    client.force_login(gift_draft.partner.user)
    page = client.get(question_url(gift_draft, "details")).content.decode()
    assert "Cash and vouchers must always be declined, whatever their value." in page
    page = post_details(client, gift_draft, cash_or_vouchers="yes", outcome="accepted")
    assert_problem(
        page,
        "id_outcome",
        "Cash and vouchers must always be declined. Give them back, then choose Declined",
        "id_outcome_1",
    )
    assert re.search(r'value="yes"\s+checked', page)


@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("31", "2", "2026", "The date the interest arose must be a real date"),
        ("10", "", "2026", "The date the interest arose must include a month"),
        ("10", "3", "26", "Enter the date the interest arose with a four-digit year, for example 2026"),
        ("", "", "", "Enter the date the interest arose"),
    ],
)
def test_dates_that_are_not_real_or_complete_are_refused_and_kept(client, gift_draft, day, month, year, message):
    client.force_login(gift_draft.partner.user)
    page = post_details(client, gift_draft, arose_on_0=day, arose_on_1=month, arose_on_2=year)
    assert message in page
    assert any(text == message and anchor.startswith("id_arose_on_") for anchor, text in summary_links(page))
    assert f'name="arose_on_0" value="{day}"' in page or not day


def test_the_threshold_and_cash_rule_shown_come_from_the_partnership(client, gift_draft, alliance):
    policy = selectors.policy_for(alliance)
    policy.gift_threshold, policy.cash_must_be_declined = 40, False
    policy.save()
    client.force_login(gift_draft.partner.user)
    page = client.get(question_url(gift_draft, "details")).content.decode()
    assert "Gifts from one source worth less than £40.00 in all over 12 months need not be declared" in page
    assert "Cash and vouchers must always be declined" not in page
    response = client.post(question_url(gift_draft, "details"), {**GIFT_DETAILS, "cash_or_vouchers": "yes"})
    assert response.status_code == 302


def test_a_gift_under_the_threshold_may_still_be_declared(client, gift_draft):
    client.force_login(gift_draft.partner.user)
    response = client.post(question_url(gift_draft, "details"), {**GIFT_DETAILS, "value": "10"})
    assert response.status_code == 302


def test_a_question_left_unanswered_is_refused(client, gift_draft):
    client.force_login(gift_draft.partner.user)
    page = client.post(question_url(gift_draft, "kind"), {}).content.decode()
    assert_problem(page, "id_kind", "Choose the kind of interest", "id_kind_1")


def test_the_answer_to_a_question_that_is_too_long_is_refused_and_kept(client, alice, priya):
    from .conftest import send_back

    declaration = send_back(declare(alice), priya)
    services.declaration_revise(declaration=declaration, actor=alice.user)
    client.force_login(alice.user)
    answer = "It was from the sales team. " * 40
    response = client.post(f"/declarations/{declaration.pk}/check/", {"note": answer})
    page = response.content.decode()
    assert_problem(page, "id_note", "Keep it to 1,000 characters or fewer")
    assert answer.strip() in page
    response = client.post(f"/declarations/{declaration.pk}/check/", {"note": ""})
    assert_problem(response.content.decode(), "id_note", "Answer the reviewer&#x27;s question")
