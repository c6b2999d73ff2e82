"""Breach journeys by keyboard alone (Tab, Shift+Tab, Enter, Space and the arrow keys; no
mouse), with axe-core on every page reached: an anonymous concern is reported; the
programme manager triages cases and a minor one is decided informally, a serious one by
the panel. The handling journeys run once with JavaScript on and once with it off."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from breaches.models import BreachCase, BreachPolicy
from conduct.models import Partnership
from tests.breaches.conftest import report, respond
from tests.browser import (
    assert_accessible,
    assert_focus_visible,
    choose_radio_by_keyboard,
    expect_success,
    fix_from_the_error_summary,
    follow,
    log_in_by_keyboard,
    log_out_by_keyboard,
    tab_to,
    type_into,
)

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


def open_case_by_keyboard(page, live_server, username: str, case: BreachCase, *, check) -> None:
    log_in_by_keyboard(page, live_server, username)
    check(page)
    follow(page, page.get_by_role("link", name="Concerns", exact=True))
    expect(page.get_by_role("heading", name="Concerns about conduct")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("link", name="Breach cases to handle"))
    expect(page.get_by_role("heading", name="Breach cases")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("link", name=case.reference))
    expect(page.get_by_role("heading", name=f"Case {case.reference}")).to_be_visible()
    check(page)


def triage_by_keyboard(page, *, severity: str, javascript: bool, check, mistake: bool = False) -> None:
    follow(page, page.get_by_role("button", name="Triage"))
    expect(page.get_by_role("heading", name="Triage the case")).to_be_visible()
    check(page)
    if mistake:
        follow(page, page.get_by_role("button", name="Triage and route the case"))  # nothing chosen yet
        fix_from_the_error_summary(
            page,
            "Choose whether the breach is minor or serious",
            page.get_by_label("Minor", exact=True),
            javascript=javascript,
            check=check,
        )
        # Focus is on the first option, Minor: Space chooses it, an arrow key moves on to Serious.
        page.keyboard.press("Space" if severity == "Minor" else "ArrowRight")
    else:
        choose_radio_by_keyboard(page, page.get_by_label(severity, exact=True))
    expect(page.get_by_label(severity, exact=True)).to_be_checked()
    choose_radio_by_keyboard(page, page.get_by_label("No", exact=True))
    type_into(
        page,
        page.get_by_label("What the respondent will be told"),
        "Board figures are said to have been passed to a supplier.",
    )
    follow(page, page.get_by_role("button", name="Triage and route the case"))
    expect_success(page, "The case has been triaged and routed.", javascript=javascript)
    check(page)


def decide_by_keyboard(page, *, outcome: str, javascript: bool, check) -> None:
    follow(page, page.get_by_role("button", name="Decide"))
    expect(page.get_by_role("heading", name="Decide the case")).to_be_visible()
    expect(page.locator("#respondent-response")).to_contain_text("We did not share anything.")
    check(page)
    choose_radio_by_keyboard(page, page.get_by_label(outcome, exact=True))
    type_into(page, page.get_by_label("Finding"), "The figures were shared before the annual report was published.")
    # Reasons are left out, and put right from the error summary.
    type_into(page, page.get_by_label("Wider causes"), "Board papers carry no marking of what is confidential.")
    type_into(page, page.get_by_label("Lessons"), "Mark confidential papers and say until when.")
    follow(page, page.get_by_role("button", name="Record the decision"))
    fix_from_the_error_summary(
        page, "Give the reasons for the decision", page.get_by_label("Reasons"), javascript=javascript, check=check
    )
    expect(page.get_by_label(outcome, exact=True)).to_be_checked()
    expect(page.get_by_label("Lessons")).to_have_value("Mark confidential papers and say until when.")
    page.keyboard.type("The supplier's email is dated a week before publication.")
    follow(page, page.get_by_role("button", name="Record the decision"))
    expect_success(page, "The decision has been recorded", javascript=javascript)
    expect(page.locator("#case-outcome")).to_contain_text(outcome)
    check(page)


def test_a_minor_case_is_triaged_decided_and_closed_by_keyboard(
    page_with_or_without_javascript, javascript, live_server, static_built, alice, bob, priya
):
    page = page_with_or_without_javascript
    check = assert_accessible if javascript else assert_focus_visible
    case = report(reporter=alice.user)

    open_case_by_keyboard(page, live_server, "priya", case, check=check)
    triage_by_keyboard(page, severity="Minor", javascript=javascript, check=check, mistake=True)
    expect(page.locator("#routing-reason")).to_contain_text("Informal track, handled by the programme manager")

    respond(case, bob.user)  # Bob's side of the case is not what is tested here
    decide_by_keyboard(page, outcome="Upheld and resolved informally", javascript=javascript, check=check)

    follow(page, page.get_by_role("button", name="Close"))
    expect(page.get_by_role("heading", name="Close the case")).to_be_visible()
    check(page)
    type_into(
        page,
        page.get_by_label("Final feedback to the person who reported the concern"),
        "Northfield will mark its papers.",
    )
    follow(page, page.get_by_role("button", name="Close the case"))
    expect_success(page, "The case is closed", javascript=javascript)
    check(page)
    case.refresh_from_db()
    assert (case.status, case.track, case.outcome, case.decided_by) == (
        "closed",
        "informal",
        "resolved_informally",
        priya,
    )


def convene_by_keyboard(page, member: str, *, javascript: bool, check) -> None:
    follow(page, page.get_by_role("button", name="Convene a panel"))
    expect(page.get_by_role("heading", name="Convene a panel")).to_be_visible()
    check(page)
    tab_to(page, page.get_by_role("checkbox", name=re.compile(f"^{member}")))
    page.keyboard.press("Space")
    follow(page, page.get_by_role("button", name="Convene the panel"))
    expect_success(page, "The panel is convened.", javascript=javascript)
    check(page)


def give_view_by_keyboard(page, outcome: str, *, javascript: bool, check) -> None:
    follow(page, page.get_by_role("button", name="Give your view"))
    expect(page.get_by_role("heading", name="Give your view")).to_be_visible()
    check(page)
    choose_radio_by_keyboard(page, page.get_by_label(outcome, exact=True))
    type_into(page, page.get_by_label("Your reasons"), "The supplier's email shows the figures were sent.")
    follow(page, page.get_by_role("button", name="Record my view"))
    expect_success(page, "Your view is recorded.", javascript=javascript)
    check(page)


def test_a_serious_case_goes_to_the_panel_and_is_decided_by_keyboard(
    page_with_or_without_javascript, javascript, live_server, static_built, alice, bob, priya, pam
):
    """The partnership's panel has one member here, so one view decides: the panel of
    three, with a dissent, is the browser journey's."""
    BreachPolicy.objects.create(partnership=Partnership.objects.get(slug="health-creation-alliance"), panel_size=1)
    page = page_with_or_without_javascript
    check = assert_accessible if javascript else assert_focus_visible
    case = report(reporter=alice.user)

    open_case_by_keyboard(page, live_server, "priya", case, check=check)
    triage_by_keyboard(page, severity="Serious", javascript=javascript, check=check)
    expect(page.locator("#routing-reason")).to_contain_text(
        "Formal track, decided by the panel: the breach is serious."
    )
    expect(page.get_by_role("button", name="Decide")).to_have_count(0)
    respond(case, bob.user)
    convene_by_keyboard(page, "Pam Panel", javascript=javascript, check=check)
    log_out_by_keyboard(page)

    open_case_by_keyboard(page, live_server, "pam", case, check=check)
    give_view_by_keyboard(page, "Formal warning", javascript=javascript, check=check)
    decide_by_keyboard(page, outcome="Formal warning", javascript=javascript, check=check)
    case.refresh_from_db()
    assert (case.status, case.track, case.outcome, case.decided_by) == ("decided", "formal", "formal_warning", pam)


def test_a_handler_reveals_a_confidential_reporter_for_a_reason_by_keyboard(
    page_with_or_without_javascript, javascript, live_server, static_built, alice, bob, priya
):
    page = page_with_or_without_javascript
    check = assert_accessible if javascript else assert_focus_visible
    case = report(reporter=alice.user)

    open_case_by_keyboard(page, live_server, "priya", case, check=check)
    expect(page.locator("#reporter")).to_contain_text("Confidential reporter")
    expect(page.locator("#reporter")).not_to_contain_text("Alice")
    follow(page, page.get_by_role("link", name=re.compile("^Reveal who reported it")))
    expect(page.get_by_role("heading", name="Reveal who reported this concern")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("button", name="Reveal who reported it"))  # no reason given yet
    fix_from_the_error_summary(
        page,
        "Enter why you need to know who reported this concern",
        page.get_by_label("Why do you need to know who reported this concern?"),
        javascript=javascript,
        check=check,
    )
    page.keyboard.type("To ask the reporter which meeting it was.")
    follow(page, page.get_by_role("button", name="Reveal who reported it"))
    expect_success(page, "You can now see who reported this concern.", javascript=javascript)
    expect(page.locator("#reporter")).to_contain_text("Alice Adams")
    expect(page.get_by_text("To ask the reporter which meeting it was.")).to_be_visible()
    check(page)
    event = case.events.get(action="reveal")
    assert (event.actor, event.reason) == (priya, "To ask the reporter which meeting it was.")
    log_out_by_keyboard(page)

    # Alice sees that her identity was revealed, not to whom nor why.
    log_in_by_keyboard(page, live_server, "alice")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.get_by_text("Reporter's identity revealed to someone handling the case")).to_be_visible()
    expect(page.get_by_text("Priya")).to_have_count(0)
    expect(page.get_by_text("which meeting it was")).to_have_count(0)
    check(page)
