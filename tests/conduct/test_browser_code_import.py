"""In Chromium: an administrator creates a code for a partnership by pasting its document,
corrects one item's kind on the preview and publishes it; a partner signs, and the receipt
shows the numbered text in order; a report cites clause 4.2(a)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from breaches.models import BreachCase
from conduct.models import Item, Signature
from tests.browser import assert_accessible, log_in, log_out

from .code_documents import TWO_LEVEL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_code_pasted_in_is_signed_as_numbered_and_cited_by_its_numbers(
    page, live_server, static_built, alice, bob, priya, ada
):
    log_in(page, live_server, "ada")
    page.get_by_role("link", name="Manage codes").click()
    page.get_by_role("link", name="Create a code for a partnership").click()
    expect(page.get_by_role("heading", name="Create a code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title of the code").fill("Riverside Members' Code of Conduct")
    page.get_by_label("Partnership that owns it").select_option(
        label="The Health Creation Alliance (now adopts The Health Creation Alliance Code of Conduct)"
    )
    page.get_by_role("button", name="Create the code").click()

    expect(page.get_by_role("heading", name="Import from the document")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Check the document").click()
    expect(page.get_by_role("link", name=re.compile("The document is empty"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Paste the code's text").fill(TWO_LEVEL)
    page.get_by_role("button", name="Check the document").click()

    expect(page.get_by_role("heading", name="Check the structure")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_label("Number of item 9")).to_have_value("4.2")
    expect(page.get_by_label("Number of item 10")).to_have_value("(a)")
    expect(page.get_by_label("Item 10 is a sub-point")).to_be_checked()
    # 1.1 "sets out the standards": a statement about the code, not a commitment.
    expect(page.get_by_label("Kind of item 1", exact=True)).to_have_value("commitment")
    page.get_by_label("Kind of item 1", exact=True).select_option("text")
    # The details read from the document are proposed for the administrator to confirm.
    expect(page.get_by_label("The document's own label")).to_have_value("Version 2, March 2025")
    expect(page.get_by_label("Full review every (months)")).to_have_value("24")
    page.get_by_label("The document's own label").fill("Version 2")
    page.get_by_label("Full review every (months)").fill("0")
    page.get_by_role("button", name="Make the draft").click()

    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    page.get_by_role("link", name="Enter a number of months of at least 1").click()
    expect(page.get_by_label("Full review every (months)")).to_be_focused()
    assert_accessible(page)
    # Nothing was saved, and what was changed on the page is kept.
    assert not Item.objects.filter(section__version__code__slug="riverside-members-code-of-conduct").exists()
    expect(page.get_by_label("Kind of item 1", exact=True)).to_have_value("text")
    expect(page.get_by_label("The document's own label")).to_have_value("Version 2")
    page.get_by_label("Full review every (months)").fill("24")
    page.get_by_role("button", name="Make the draft").click()

    expect(page.get_by_text("Draft Version 2 made from the document")).to_be_visible()
    assert Item.objects.get(number="1.1", section__version__code__slug="riverside-members-code-of-conduct").kind == (
        "text"
    )
    page.get_by_role("link", name="Publish…").click()
    page.get_by_role("button", name="Publish Version 2").click()
    expect(page.get_by_text("Version 2 is published")).to_be_visible()
    log_out(page)

    log_in(page, live_server, "alice")
    page.get_by_role("link", name="Read and sign the code – Riverside Members' Code of Conduct").click()
    expect(page.get_by_text("Riverside Members' Code of Conduct · Version 2", exact=True)).to_be_visible()
    page.get_by_label("Your full name").fill("Alice Adams")
    page.get_by_label("I have read this code of conduct and agree to follow it").check()
    page.get_by_role("button", name="Sign the code").click()
    expect(page.get_by_role("heading", name="Signature receipt")).to_be_visible()
    expect(page.locator("#integrity")).to_contain_text("Intact")
    assert_accessible(page)
    signed = Signature.objects.get(partner=alice).signed_text.text
    expected_order = [
        "- 4.1 [rule] Members must declare",
        "- 4.2 [rule] A member with a financial interest in a matter:",
        "    - (a) [rule] A member with a financial interest will not take part in the discussion; and",
        "    - (b) [rule] will leave the room for the decision.",
        "- 4.3 [rule] The chair decides",
    ]
    positions = [signed.index(line) for line in expected_order]
    assert positions == sorted(positions)
    page.get_by_text("The exact text signed", exact=True).click()
    receipt = page.get_by_role("region", name="The exact text signed").inner_text()
    assert (
        receipt.index("4.2 [rule]")
        < receipt.index("(a) [rule]")
        < receipt.index("(b) [rule]")
        < receipt.index("4.3 [rule]")
    )

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Concerns", exact=True).click()
    page.get_by_role("button", name="Report a concern").click()
    today = timezone.localdate()
    page.get_by_label("The Health Creation Alliance").check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="What happened?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Which organisation is it about?").select_option(label="Northfield Wellbeing Trust")
    page.get_by_label("Where did it happen?").fill("The board meeting")
    page.get_by_label("What happened?").fill("A member with shares in the supplier stayed for the vote.")
    page.get_by_role("checkbox", name=re.compile(r"^4\.2\(a\) A member with a financial interest")).check()
    page.get_by_role("radio", name=re.compile("^Confidentially")).check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    case = BreachCase.objects.get()
    assert [item.cited_as for item in case.cited_items.select_related("parent")] == ["4.2(a)"]
    log_out(page)

    # The programme manager handling it sees the clause cited by its number.
    log_in(page, live_server, "priya")
    page.goto(f"{live_server.url}/breaches/cases/{case.pk}/")
    expect(page.get_by_text("4.2(a) A member with a financial interest will not take part")).to_be_visible()
