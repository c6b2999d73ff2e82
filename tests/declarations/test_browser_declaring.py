"""In Chromium: a partner declares a gift; the programme manager returns it with a question;
the partner answers; it is accepted with a management action and appears on the public register."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from declarations.models import Declaration, DeclarationPolicy
from tests.browser import assert_accessible, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _today():
    """The live server runs on the real clock, not the frozen one of the other tests."""


def test_a_gift_is_declared_questioned_answered_accepted_and_published(page, live_server, static_built, alice, priya):
    received = timezone.localdate() - datetime.timedelta(days=3)

    log_in(page, live_server, "alice")
    page.get_by_role("link", name="Declare an interest, or that you have none").click()
    expect(page.get_by_role("heading", name="Make a declaration of interests")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I have an interest to declare").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="What kind of interest is it?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Financial").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="What is the interest?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Gift", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    # Naming no one is refused, in the summary and next to the field.
    expect(page.get_by_role("heading", name="Who does the interest concern?")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name="Choose a member organisation or enter the name")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name of the organisation or person").fill("Acme Health Supplies")
    page.get_by_role("button", name="Continue").click()

    # A negative value is refused and nothing typed is lost.
    expect(page.get_by_role("heading", name="About the gift")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Describe the interest").fill("A hamper of fruit and wine")
    arose = page.get_by_role("group", name="When did the interest arise?")
    arose.get_by_label("Day").fill(str(received.day))
    arose.get_by_label("Month").fill(str(received.month))
    arose.get_by_label("Year").fill(str(received.year))
    page.get_by_label("Estimated value in pounds").fill("-60")
    page.get_by_role("group", name="Is it from a supplier or contractor?").get_by_label("No").check()
    page.get_by_role("group", name="Was it cash or vouchers?").get_by_label("No").check()
    page.get_by_role("group", name="Did you accept or decline it?").get_by_label("Accepted").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").get_by_role("link", name="The estimated value cannot be negative")).to_be_visible()
    expect(page.get_by_label("Describe the interest")).to_have_value("A hamper of fruit and wine")
    expect(arose.get_by_label("Day")).to_have_value(str(received.day))
    assert_accessible(page)
    page.get_by_label("Estimated value in pounds").fill("60")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Check your declaration before submitting it")).to_be_visible()
    expect(page.get_by_text("£60.00")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit declaration").click()
    expect(page.get_by_text("Your declaration has been submitted for review.")).to_be_visible()
    assert_accessible(page)
    declaration = Declaration.objects.get(partner=alice)
    assert declaration.status == "submitted"
    log_out(page)

    log_in(page, live_server, "priya")
    page.get_by_role("link", name="Declarations waiting for review").click()
    expect(page.get_by_role("heading", name="Register of declarations")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Financial interest: gift concerning Acme Health Supplies").click()
    assert_accessible(page)
    page.get_by_role("link", name="Review this declaration").click()
    expect(page.get_by_role("heading", name="Review the declaration")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Return it to the partner with a question").check()
    page.get_by_label("Your question for the partner, or a note about your decision").fill(
        "Who at Acme gave you the hamper?"
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The declaration has been returned to its declarant with your question.")).to_be_visible()
    log_out(page)

    log_in(page, live_server, "alice")
    page.get_by_role("link", name="Declarations", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Financial interest: gift concerning Acme Health Supplies").click()
    expect(page.locator("#question")).to_contain_text("Who at Acme gave you the hamper?")
    assert_accessible(page)
    page.get_by_role("button", name="Answer the question").click()
    expect(page.get_by_role("heading", name="Check your declaration before submitting it")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your answer to the question").fill("Their sales manager, Jo Bloggs.")
    page.get_by_role("button", name="Submit declaration").click()
    expect(page.get_by_text("Your declaration has been submitted for review.")).to_be_visible()
    log_out(page)

    log_in(page, live_server, "priya")
    page.goto(f"{live_server.url}/declarations/{declaration.pk}/")
    expect(page.locator("#history")).to_contain_text("Their sales manager, Jo Bloggs.")
    page.get_by_role("link", name="Review this declaration").click()
    page.get_by_label("Accept with management actions").check()
    page.get_by_label("Excluded from decisions concerning the organisation or person").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The declaration has been accepted.")).to_be_visible()
    expect(page.locator("#management-actions")).to_contain_text(
        "Excluded from decisions concerning Acme Health Supplies"
    )
    assert_accessible(page)
    log_out(page)

    page.get_by_role("link", name="Registers of interests", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="The Health Creation Alliance").click()
    expect(page.get_by_role("heading", name="Register of interests")).to_be_visible()
    card = page.locator(f"#declaration-{declaration.pk}")
    expect(card).to_contain_text("Alice Adams, Riverside Community Health")
    expect(card).to_contain_text("A hamper of fruit and wine")
    expect(card).to_contain_text("Excluded from decisions concerning Acme Health Supplies")
    assert_accessible(page)

    declaration.refresh_from_db()
    assert declaration.status == "accepted" and declaration.accepted_revision.number == 2
    assert [e.action for e in declaration.events.all()] == [
        "started",
        "submitted",
        "returned",
        "resubmitted",
        "accepted",
    ]


def test_declaring_and_reviewing_work_without_javascript(
    page_without_javascript, live_server, static_built, alice, priya
):
    page = page_without_javascript
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/declarations/new/")
    page.get_by_label("I have an interest to declare").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Professional").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Outside employment").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Name of the organisation or person").fill("Westway Pharmacy")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Describe the interest").fill("Locum pharmacist, one Saturday a month")
    started = (timezone.localdate() - datetime.timedelta(days=10)).replace(day=1)
    arose = page.get_by_role("group", name="When did the interest arise?")
    arose.get_by_label("Day").fill(str(started.day))
    arose.get_by_label("Month").fill(str(started.month))
    arose.get_by_label("Year").fill(str(started.year))
    ends = page.get_by_role("group", name="When does it end? (optional)")
    ends.get_by_label("Day").fill(str(started.day))
    ends.get_by_label("Month").fill(str(started.month))
    ends.get_by_label("Year").fill(str(started.year - 1))
    page.get_by_label("Who gave you permission?").fill("Dr Jo Medical Director")
    permitted = page.get_by_role("group", name="When was permission given?")
    permitted.get_by_label("Day").fill(str(started.day))
    permitted.get_by_label("Month").fill(str(started.month))
    permitted.get_by_label("Year").fill(str(started.year))
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("link", name="The end date must be the same as or after the date the interest arose")
    ).to_be_visible()
    expect(page.get_by_label("Describe the interest")).to_have_value("Locum pharmacist, one Saturday a month")
    ends.get_by_label("Year").fill(str(started.year + 1))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Submit declaration").click()
    expect(page.get_by_text("Your declaration has been submitted for review.")).to_be_visible()
    log_out(page)

    log_in(page, live_server, "priya")
    declaration = Declaration.objects.get(partner=alice)
    page.goto(f"{live_server.url}/declarations/{declaration.pk}/review/")
    page.get_by_label("Accept with management actions").check()
    page.get_by_label("Other action", exact=True).check()
    page.get_by_label("Describe the other action").fill("May not sign off pharmacy contracts")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#management-actions")).to_contain_text("May not sign off pharmacy contracts")
    declaration.refresh_from_db()
    assert declaration.status == "accepted" and declaration.revision.ends_on.year == started.year + 1


def start_valued(page, live_server, *, situation: str, counterparty: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Declare an interest, or that you have none").click()
    page.get_by_label("I have an interest to declare").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Financial").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(situation, exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Name of the organisation or person").fill(counterparty)
    page.get_by_role("button", name="Continue").click()


def test_hospitality_over_the_approval_limit_asks_who_approved_it_and_a_small_gift_is_voluntary(
    page, live_server, static_built, alice, alliance
):
    """The partnership asks for approval above £50 (its own choice; NHS England's figure is £75)."""
    DeclarationPolicy.objects.create(partnership=alliance, hospitality_approval_above=50)
    arose = timezone.localdate() - datetime.timedelta(days=3)
    log_in(page, live_server, "alice")
    start_valued(page, live_server, situation="Hospitality", counterparty="Acme Health Supplies")
    expect(page.get_by_role("heading", name="About the hospitality")).to_be_visible()
    page.get_by_label("Describe the interest").fill("Dinner after the supplier's conference")
    when = page.get_by_role("group", name="When did the interest arise?")
    when.get_by_label("Day").fill(str(arose.day))
    when.get_by_label("Month").fill(str(arose.month))
    when.get_by_label("Year").fill(str(arose.year))
    page.get_by_label("Estimated value in pounds").fill("60")
    page.get_by_role("group", name="Did you accept or decline it?").get_by_label("Accepted").check()
    page.get_by_role("button", name="Continue").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link", name=re.compile("is accepted only with approval in advance"))).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the date it was approved")).to_be_visible()
    expect(page.get_by_label("Estimated value in pounds")).to_have_value("60")
    assert_accessible(page)
    page.get_by_label("Who approved it in advance? (only if you accepted it)").fill("Dr Sam Chair")
    approved = page.get_by_role("group", name="When was it approved? (only if you accepted it)")
    before = arose - datetime.timedelta(days=7)
    approved.get_by_label("Day").fill(str(before.day))
    approved.get_by_label("Month").fill(str(before.month))
    approved.get_by_label("Year").fill(str(before.year))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your declaration before submitting it")).to_be_visible()
    expect(page.get_by_text("By Dr Sam Chair on")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit declaration").click()
    expect(page.get_by_text("Your declaration has been submitted for review.")).to_be_visible()

    start_valued(page, live_server, situation="Gift", counterparty="Zenith Catering")
    page.get_by_label("Describe the interest").fill("A box of chocolates")
    when = page.get_by_role("group", name="When did the interest arise?")
    when.get_by_label("Day").fill(str(arose.day))
    when.get_by_label("Month").fill(str(arose.month))
    when.get_by_label("Year").fill(str(arose.year))
    page.get_by_label("Estimated value in pounds").fill("40")
    page.get_by_role("group", name="Is it from a supplier or contractor?").get_by_label("No").check()
    page.get_by_role("group", name="Was it cash or vouchers?").get_by_label("No").check()
    page.get_by_role("group", name="Did you accept or decline it?").get_by_label("Accepted").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#voluntary")).to_contain_text("Below the £50.00 gift threshold: need not be declared.")
    assert_accessible(page)
    page.get_by_role("button", name="Submit declaration").click()
    expect(page.get_by_text("Voluntary", exact=True)).to_be_visible()
    assert_accessible(page)
    assert list(Declaration.objects.order_by("pk").values_list("is_voluntary", flat=True)) == [False, True]
