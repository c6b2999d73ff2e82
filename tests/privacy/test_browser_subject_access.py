"""A subject access request by keyboard alone, with axe-core on every page: Ada records
Bob's request, reads everything held about him (the reporter of the concern about his
organisation withheld) and marks the request answered. With JavaScript on and off."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from privacy.models import SubjectAccessRequest
from tests.breaches.conftest import report, triage
from tests.browser import assert_accessible, log_in_by_keyboard, tab_to, type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press(page, locator) -> None:
    tab_to(page, locator)
    page.keyboard.press("Enter")


def test_an_administrator_answers_a_subject_access_request_by_keyboard(
    page_with_or_without_javascript, javascript, live_server, static_built, people
):
    page = page_with_or_without_javascript
    triage(report(reporter=people["alice"]), people["priya"])
    today = timezone.localdate()
    log_in_by_keyboard(page, live_server, "ada")

    press(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Personal data"))
    expect(page.get_by_role("heading", name="Subject access requests")).to_be_visible()
    if javascript:
        assert_accessible(page)
    press(page, page.get_by_role("link", name="Record a request"))
    type_into(page, page.get_by_label("Email address of the person the request is about"), "nobody@example.org")
    press(page, page.get_by_role("button", name="Record the request"))
    expect(page.get_by_role("link", name="Nobody in Conduct has this email address")).to_be_visible()
    if javascript:
        assert_accessible(page)

    type_into(page, page.get_by_label("Email address of the person the request is about"), "bob@example.org")
    type_into(page, page.get_by_label("Who made the request"), "Bob himself, by email")
    type_into(page, page.get_by_label("Day"), str(today.day))
    type_into(page, page.get_by_label("Month"), str(today.month))
    type_into(page, page.get_by_label("Year"), str(today.year))
    press(page, page.get_by_role("button", name="Record the request"))
    expect(page.get_by_role("heading", name="Bob Brown", exact=True)).to_be_visible()
    sar = SubjectAccessRequest.objects.get()
    if javascript:
        assert_accessible(page)

    press(page, page.get_by_role("link", name="View it as a page (to print or save)"))
    expect(page.get_by_role("heading", name="Everything Conduct holds about Bob Brown")).to_be_visible()
    expect(page.get_by_role("heading", name="Concerns about you")).to_be_visible()
    assert "Alice" not in page.content()
    if javascript:
        assert_accessible(page)
    press(page, page.get_by_role("link", name="Back to the request"))

    tab_to(page, page.get_by_label("The export has been sent to the person, or to whoever is acting for them"))
    page.keyboard.press("Space")
    press(page, page.get_by_role("button", name="Mark as answered"))
    expect(page.get_by_text("The request is marked as answered.")).to_be_visible()
    sar.refresh_from_db()
    assert sar.status == "answered"
