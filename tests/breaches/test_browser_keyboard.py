"""An anonymous concern is reported by keyboard alone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from breaches.models import BreachCase
from tests.browser import choose_radio_by_keyboard, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_anonymous_report_by_keyboard_alone(page, live_server, static_built, alice, bob):
    incident = timezone.localdate() - datetime.timedelta(days=3)
    page.goto(live_server.url + "/")
    tab_to(page, page.get_by_role("link", name="Concerns", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Report a concern"))
    page.keyboard.press("Enter")
    choose_radio_by_keyboard(page, page.get_by_label("The Health Creation Alliance"))
    tab_to(page, page.get_by_label("Day"))
    page.keyboard.type(str(incident.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(incident.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(incident.year))
    tab_to(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="What happened?")).to_be_visible()

    tab_to(page, page.get_by_label("Which organisation is it about?"))
    page.keyboard.type("Northfield")
    tab_to(page, page.get_by_label("Where did it happen?"))
    page.keyboard.type("The partnership board meeting")
    tab_to(page, page.get_by_role("checkbox", name=re.compile(r"^Integrity:")))
    page.keyboard.press("Space")
    choose_radio_by_keyboard(page, page.get_by_role("radio", name=re.compile("^Anonymously")))
    tab_to(page, page.get_by_label("What happened?"))
    page.keyboard.type("Confidential figures were passed to a supplier.")
    tab_to(page, page.get_by_role("button", name="Send the report"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    case = BreachCase.objects.get()
    assert (case.respondent_organisation, case.identity) == (bob.organisation, "anonymous")
