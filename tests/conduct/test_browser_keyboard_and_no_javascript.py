"""The signing journey, and an administrator's publishing of a new version that a partner
then signs again, work by keyboard alone and with JavaScript turned off."""

import pytest
from playwright.sync_api import expect

from conduct import services
from conduct.models import CodeVersion, Signature
from tests.browser import (
    assert_accessible,
    assert_focus_visible,
    expect_success,
    fix_from_the_error_summary,
    follow,
    log_in,
    log_in_by_keyboard,
    log_out_by_keyboard,
    tab_to,
    type_into,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_signs_by_keyboard_alone(page, live_server, static_built, alice):
    log_in_by_keyboard(page, live_server, "alice")
    expect(page.get_by_role("heading", name="Your codes of conduct")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Read and sign the code – The Health Creation Alliance Code of Conduct"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Read and sign the code of conduct")).to_be_visible()
    tab_to(page, page.get_by_label("I have read this code of conduct and agree to follow it"))
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("Alice Adams")
    tab_to(page, page.get_by_role("button", name="Sign the code"))
    page.keyboard.press("Enter")
    expect(page.locator("#integrity")).to_contain_text("Intact")
    assert Signature.objects.get(partner=alice).typed_name == "Alice Adams"


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(page, live_server, static_built, db):
    page.goto(f"{live_server.url}/codes/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()


def test_a_partner_signs_and_compares_versions_without_javascript(
    page_without_javascript, live_server, static_built, alice
):
    page = page_without_javascript
    log_in(page, live_server, "alice")
    page.get_by_role("link", name="Read and sign the code – The Health Creation Alliance Code of Conduct").click()
    page.get_by_role("button", name="Sign the code").click()
    expect(page.get_by_role("link", name="Confirm that you have read the code and agree to follow it")).to_be_visible()
    page.get_by_label("I have read this code of conduct and agree to follow it").check()
    page.get_by_role("button", name="Sign the code").click()
    expect(page.locator("#integrity")).to_contain_text("Intact")

    page.goto(f"{live_server.url}/codes/health-creation-alliance/changes/")
    page.get_by_label("Earlier version").select_option("1")
    page.get_by_label("Later version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("ins", has_text="Reciprocity")).to_be_visible()


def test_an_administrator_edits_and_publishes_a_version_and_a_partner_signs_it_again_by_keyboard(
    page_with_or_without_javascript, javascript, live_server, static_built, alice, ada
):
    page = page_with_or_without_javascript
    check = assert_accessible if javascript else assert_focus_visible
    version_2 = CodeVersion.objects.get(code__slug="health-creation-alliance", number=2)
    services.signature_record(partner=alice, version=version_2, typed_name="Alice Adams")

    log_in_by_keyboard(page, live_server, "ada")
    check(page)
    follow(page, page.get_by_role("link", name="Manage codes"))
    expect(page.get_by_role("heading", name="Manage codes")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("button", name="Start a new draft of The Health Creation Alliance Code of Conduct"))
    expect(page.get_by_role("heading", name="Edit draft version 3")).to_be_visible()
    expect_success(page, "Draft version 3 started", javascript=javascript)
    check(page)
    type_into(page, page.get_by_label("Label"), "November 2026")
    follow(page, page.get_by_role("button", name="Save draft"))
    expect_success(page, "Draft saved.", javascript=javascript)
    check(page)

    # A section is renamed in the app; its heading emptied first by mistake, then put right.
    follow(page, page.get_by_role("link", name="Rename section: We model our values"), limit=200)
    expect(page.get_by_role("heading", name="Rename section")).to_be_visible()
    check(page)
    type_into(page, page.get_by_label("Heading"), " ")
    follow(page, page.get_by_role("button", name="Save section"))
    fix_from_the_error_summary(
        page, "Enter the section's heading", page.get_by_label("Heading"), javascript=javascript, check=check
    )
    page.keyboard.press("Control+A")
    page.keyboard.type("Our values")
    follow(page, page.get_by_role("button", name="Save section"))
    expect_success(page, "Section renamed.", javascript=javascript)
    expect(page.get_by_role("heading", name="Our values")).to_be_visible()
    check(page)

    # The item's text is emptied by mistake, then put right from the error summary.
    follow(page, page.get_by_role("link", name="Edit item: We always try to be positive role"), limit=200)
    expect(page.get_by_role("heading", name="Edit item")).to_be_visible()
    check(page)
    tab_to(page, page.get_by_label("Text", exact=True))
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    follow(page, page.get_by_role("button", name="Save item"))
    fix_from_the_error_summary(
        page, "Enter the item's text", page.get_by_label("Text", exact=True), javascript=javascript, check=check
    )
    page.keyboard.type("We always try to be positive role models, especially when no one is looking.")
    follow(page, page.get_by_role("button", name="Save item"))
    expect_success(page, "Item saved.", javascript=javascript)
    check(page)

    follow(page, page.get_by_role("link", name="Publish…"))
    expect(page.get_by_role("heading", name="Publish November 2026?")).to_be_visible()
    expect(page.get_by_text("1 partner will be asked to sign it")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("button", name="Publish November 2026"))
    expect_success(page, "November 2026 is published", javascript=javascript)
    check(page)
    version_3 = CodeVersion.objects.get(code__slug="health-creation-alliance", number=3)
    assert (version_3.status, version_3.label) == ("published", "November 2026")
    assert version_3.last_full_review_on == version_2.last_full_review_on is not None  # the date picker kept the date
    log_out_by_keyboard(page)

    log_in_by_keyboard(page, live_server, "alice")
    expect(page.get_by_text("A new version has been published since you signed October 2023")).to_be_visible()
    check(page)
    follow(
        page,
        page.get_by_role("link", name="Read and sign the new version – The Health Creation Alliance Code of Conduct"),
    )
    expect(page.get_by_role("heading", name="What changed since October 2023")).to_be_visible()
    expect(page.locator("ins", has_text="especially")).to_be_visible()
    check(page)
    # Signed without ticking the box first: the summary's link takes focus to the box.
    follow(page, page.get_by_role("button", name="Sign the code"), limit=200)
    confirm = page.get_by_label("I have read this code of conduct and agree to follow it")
    fix_from_the_error_summary(
        page, "Confirm that you have read the code and agree to follow it", confirm, javascript=javascript, check=check
    )
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    follow(page, page.get_by_role("button", name="Sign the code"))
    expect(page.get_by_role("heading", name="Signature receipt")).to_be_visible()
    expect(page.locator("#integrity")).to_contain_text("Intact")
    check(page)
    assert list(
        Signature.objects.filter(partner=alice).values_list("version__number", flat=True).order_by("version__number")
    ) == [2, 3]


def test_an_administrator_adds_a_section_after_another_and_removes_it_by_keyboard(
    page, live_server, static_built, seed_codes, ada
):
    from conduct.models import Code, Section

    draft = services.code_version_start_draft(code=Code.objects.get(slug="health-creation-alliance"), actor=ada)
    log_in_by_keyboard(page, live_server, "ada")
    page.goto(f"{live_server.url}/manage/codes/health-creation-alliance/versions/{draft.number}/edit/")
    follow(page, page.get_by_role("link", name="Add a section"), limit=300)
    expect(page.get_by_role("heading", name="Add a section")).to_be_visible()
    assert_accessible(page)
    type_into(page, page.get_by_label("Heading"), "Gifts and hospitality")
    tab_to(page, page.get_by_label("Where it goes"))
    page.get_by_label("Where it goes").select_option(label="After: We model our values")
    follow(page, page.get_by_role("button", name="Save section"))
    expect_success(page, "Section added.", javascript=True)
    assert_accessible(page)
    assert list(draft.sections.order_by("position").values_list("heading", flat=True))[1] == "Gifts and hospitality"

    follow(page, page.get_by_role("link", name="Remove section: Gifts and hospitality"), limit=300)
    expect(page.get_by_role("heading", name="Remove this section from the draft?")).to_be_visible()
    expect(page.get_by_text("It holds no items.")).to_be_visible()
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Remove section"))
    expect_success(page, "Section removed with 0 items.", javascript=True)
    assert not Section.objects.filter(version=draft, heading="Gifts and hospitality").exists()
