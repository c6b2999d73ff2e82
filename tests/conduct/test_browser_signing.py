"""A partner signs in Chromium; an administrator publishes a new version; the
partner is asked to sign again and sees what changed."""

import pytest
from playwright.sync_api import expect

from conduct.models import CodeVersion, Signature
from tests.browser import assert_accessible, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_signs_and_signs_again_after_a_new_version(page, live_server, static_built, alice, bob, ada):
    log_in(page, live_server, "alice")
    expect(page.get_by_role("heading", name="Your codes of conduct")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Read and sign the code – The Health Creation Alliance Code of Conduct").click()
    expect(page.get_by_role("heading", name="Read and sign the code of conduct")).to_be_visible()
    expect(page.get_by_text("Reciprocity:", exact=True)).to_be_visible()
    assert_accessible(page)

    # Signing without ticking the box is refused next to the field, and the name typed is kept.
    page.get_by_label("Your full name").fill("Alice Adams")
    page.get_by_role("button", name="Sign the code").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Your full name")).to_have_value("Alice Adams")
    assert_accessible(page)

    page.get_by_label("I have read this code of conduct and agree to follow it").check()
    page.get_by_role("button", name="Sign the code").click()
    expect(page.get_by_role("heading", name="Signature receipt")).to_be_visible()
    expect(page.locator("#integrity")).to_contain_text("Intact")
    assert_accessible(page)
    signature = Signature.objects.get(partner=alice)
    expect(page.get_by_text(signature.text_sha256).first).to_be_visible()
    log_out(page)

    log_in(page, live_server, "ada")
    page.get_by_role("link", name="Manage codes").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start a new draft of The Health Creation Alliance Code of Conduct").click()
    expect(page.get_by_role("heading", name="Edit draft version 3")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Label").fill("November 2026")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("link", name="Edit item: We always try to be positive role").click()
    page.get_by_label("Text").fill("We always try to be positive role models, especially when no one is looking.")
    page.get_by_role("button", name="Save item").click()
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", name="Publish November 2026?")).to_be_visible()
    expect(page.get_by_text("2 partners will be asked to sign it")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish November 2026").click()
    expect(page.get_by_text("November 2026 is published")).to_be_visible()
    assert CodeVersion.objects.get(code__slug="health-creation-alliance", number=3).status == "published"
    assert CodeVersion.objects.get(code__slug="health-creation-alliance", number=2).status == "superseded"
    log_out(page)

    log_in(page, live_server, "alice")
    expect(page.get_by_text("A new version has been published since you signed October 2023")).to_be_visible()
    page.get_by_role(
        "link", name="Read and sign the new version – The Health Creation Alliance Code of Conduct"
    ).click()
    expect(page.get_by_role("heading", name="What changed since October 2023")).to_be_visible()
    expect(page.locator("ins", has_text="especially")).to_be_visible()
    expect(page.locator("del", has_text="even")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I have read this code of conduct and agree to follow it").check()
    page.get_by_role("button", name="Sign the code").click()
    expect(page.locator("#integrity")).to_contain_text("Intact")
    assert Signature.objects.filter(partner=alice).count() == 2
