"""Breach cases in Chromium, every page checked with axe-core: an anonymous
report followed up with its receipt code; a minor case handled informally;
a serious one decided by a panel of three as a suspension, two to one, then
overturned on appeal by a second panel; and a report made and followed
up with JavaScript turned off."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from breaches.models import Appeal, BreachCase, CaseMessage
from conduct.models import Membership
from declarations.services import decision_participation_check
from tests.breaches.conftest import make_panel_member
from tests.browser import assert_accessible, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_report(page, live_server, *, anonymous: bool, check=assert_accessible) -> None:
    """From the home page to a report sent about Northfield, with a first mistake on each step."""
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Concerns", exact=True).click()
    expect(page.get_by_role("heading", name="Concerns about conduct")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Report a concern").click()
    expect(page.get_by_role("heading", name="Which code, and when?")).to_be_visible()
    check(page)

    # A date in the future is refused next to the field; the partnership chosen is kept.
    incident = timezone.localdate() - datetime.timedelta(days=3)
    page.get_by_label("The Health Creation Alliance").check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill(str(timezone.localdate().year + 1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="The date it happened must be today or in the past")).to_be_visible()
    expect(page.get_by_label("The Health Creation Alliance")).to_be_checked()
    check(page)
    page.get_by_label("Day").fill(str(incident.day))
    page.get_by_label("Month").fill(str(incident.month))
    page.get_by_label("Year").fill(str(incident.year))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="What happened?")).to_be_visible()
    check(page)

    page.get_by_label("Which organisation is it about?").select_option(label="Northfield Wellbeing Trust")
    page.get_by_label("Where did it happen?").fill("The partnership board meeting")
    page.get_by_role("checkbox", name=re.compile(r"^Integrity:")).check()
    page.get_by_role("radio", name=re.compile("^Anonymously" if anonymous else "^Confidentially")).check()
    # Sent without saying what happened: the message is next to the field and nothing typed is lost.
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("link", name="Describe what happened")).to_be_visible()
    expect(page.get_by_label("Where did it happen?")).to_have_value("The partnership board meeting")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Integrity:"))).to_be_checked()
    check(page)
    page.get_by_label("What happened?").fill("Confidential figures from the board papers were passed to a supplier.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    check(page)


def open_case(page, live_server, username: str, case: BreachCase) -> None:
    log_in(page, live_server, username)
    page.get_by_role("link", name="Concerns", exact=True).click()
    page.get_by_role("link", name="Breach cases to handle").click()
    expect(page.get_by_role("heading", name="Breach cases")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", name=f"Case {case.reference}")).to_be_visible()
    assert_accessible(page)


def triage_case(page, *, severity: str, summary: str) -> None:
    page.get_by_role("button", name="Triage").click()
    expect(page.get_by_role("heading", name="Triage the case")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Triage and route the case").click()  # nothing chosen yet
    expect(page.get_by_role("link", name="Choose whether the breach is minor or serious")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(severity, exact=True).check()
    page.get_by_label("No", exact=True).check()
    page.get_by_label("What the respondent will be told").fill(summary)
    page.get_by_role("button", name="Triage and route the case").click()
    expect(page.get_by_text("The case has been triaged and routed.")).to_be_visible()
    assert_accessible(page)


def respond_as(page, live_server, username: str, case: BreachCase) -> None:
    log_in(page, live_server, username)
    page.get_by_role("link", name="Concerns", exact=True).click()
    page.get_by_role("link", name="Your reports, and concerns about your organisation").click()
    assert_accessible(page)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", name="A concern about Northfield Wellbeing Trust")).to_be_visible()
    expect(page.get_by_text("Alice")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Your response").fill("The figures were already public in the annual report.")
    page.get_by_role("button", name="Send your response").click()
    expect(page.get_by_text("Your response has been sent.")).to_be_visible()
    assert_accessible(page)
    log_out(page)


def decide_case(page, *, outcome: str) -> None:
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_role("heading", name="Decide the case")).to_be_visible()
    expect(page.locator("#respondent-response")).to_contain_text("already public in the annual report")
    assert_accessible(page)
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("Finding").fill("The figures were shared before the annual report was published.")
    page.get_by_label("Reasons").fill("The supplier's email is dated a week before publication.")
    page.get_by_label("Wider causes").fill("Board papers carry no marking of what is confidential.")
    page.get_by_label("Lessons").fill("Mark confidential papers and say until when.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision has been recorded")).to_be_visible()
    expect(page.locator("#case-outcome")).to_contain_text(outcome)
    assert_accessible(page)


def test_an_anonymous_report_followed_up_with_its_receipt_code(page, live_server, static_built, alice, bob, priya):
    fill_report(page, live_server, anonymous=True)
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", code)
    case = BreachCase.objects.get()
    assert case.identity == "anonymous" and case.reporter is None
    page.reload()  # the code is shown once
    expect(page.locator("#receipt-code")).to_have_count(0)

    # The programme manager sees an anonymous report and asks a question.
    open_case(page, live_server, "priya", case)
    expect(page.locator("#reporter")).to_contain_text("Anonymous")
    page.get_by_role("link", name="Write to the reporter").click()
    assert_accessible(page)
    page.get_by_label("Question", exact=True).check()
    page.get_by_label("Message").fill("Which supplier received the figures?")
    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_text("Your message is on the reporter's page.")).to_be_visible()
    log_out(page)

    # The reporter comes back with the code, typed loosely, and answers.
    page.get_by_role("link", name="Concerns", exact=True).click()
    page.get_by_role("link", name="Follow up a report with your receipt code").click()
    expect(page.get_by_role("heading", name="Follow up your report")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Receipt code").fill("0000-0000-0000-0000-0000")
    page.get_by_role("button", name="See your report").click()
    expect(
        page.get_by_role("link", name="No report has this receipt code. Check the code and try again")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Receipt code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="See your report").click()
    expect(page.get_by_role("heading", name=f"Your report {case.reference}")).to_be_visible()
    expect(page.locator("#case-status")).to_contain_text("Reported")
    expect(page.get_by_text("Which supplier received the figures?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What do you want to add?").fill("Acme Health Supplies.")
    page.get_by_role("button", name="Add to the report").click()
    expect(page.get_by_text("What you added is now part of your report.")).to_be_visible()
    expect(page.get_by_text("Acme Health Supplies.")).to_be_visible()
    assert_accessible(page)
    answer = CaseMessage.objects.get(kind="reporter_information")
    assert (answer.case, answer.author) == (case, None)


def test_a_minor_case_handled_informally(page, live_server, static_built, alice, bob, priya):
    log_in(page, live_server, "alice")
    fill_report(page, live_server, anonymous=False)
    case = BreachCase.objects.get()
    assert case.reporter == alice.user
    log_out(page)

    open_case(page, live_server, "priya", case)
    # Held back until a handler reveals it for a reason (test_browser_keyboard shows how).
    expect(page.locator("#reporter")).to_contain_text("Confidential reporter")
    triage_case(page, severity="Minor", summary="Board figures are said to have been passed to a supplier.")
    expect(page.locator("#routing-reason")).to_contain_text("Informal track, handled by the programme manager")
    # No decision before the respondent has had their say.
    page.get_by_role("button", name="Decide").click()
    page.get_by_label("Not upheld", exact=True).check()
    for label in ("Finding", "Reasons", "Wider causes", "Lessons"):
        page.get_by_label(label).fill("Too early.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("The respondent has until")
    assert_accessible(page)
    log_out(page)

    respond_as(page, live_server, "bob", case)

    open_case(page, live_server, "priya", case)
    decide_case(page, outcome="Upheld and resolved informally")
    page.get_by_role("button", name="Close").click()
    assert_accessible(page)
    page.get_by_label("Final feedback to the person who reported the concern").fill(
        "Northfield has agreed to mark confidential papers; thank you for raising it."
    )
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_text("The case is closed")).to_be_visible()
    page.get_by_role("link", name="Concerns", exact=True).click()
    page.get_by_role("link", name="Lessons from decided cases").click()
    expect(page.get_by_text("Mark confidential papers and say until when.")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.locator("#case-status")).to_contain_text("Closed")
    expect(page.get_by_text("Northfield has agreed to mark confidential papers")).to_be_visible()
    expect(page.get_by_text("already public in the annual report")).to_have_count(0)
    assert_accessible(page)


def convene_panel(page, *, button: str, names: list[str]) -> None:
    page.get_by_role("button", name=button).click()
    assert_accessible(page)
    for name in names:
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Convene the panel").click()
    expect(page.get_by_text("panel is convened")).to_be_visible()
    assert_accessible(page)


def give_view(page, live_server, username: str, case: BreachCase, *, button: str, outcome: str) -> None:
    log_in(page, live_server, username)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("button", name=button).click()
    assert_accessible(page)
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("Your reasons").fill(f"{username.title()} thinks {outcome.lower()} is right.")
    page.get_by_role("button", name="Record my view").click()
    expect(page.get_by_text("view", exact=False).first).to_be_visible()
    log_out(page)


def test_a_serious_case_goes_to_the_panel_and_is_decided_then_overturned_on_appeal(
    page, live_server, static_built, alice, bob, priya, pam, quinn, rosa
):
    sam, tara, uma = (
        make_panel_member("sam", "Sam", "Stone"),
        make_panel_member("tara", "Tara", "Teal"),
        make_panel_member("uma", "Uma", "Upton"),
    )
    log_in(page, live_server, "alice")
    fill_report(page, live_server, anonymous=False)
    case = BreachCase.objects.get()
    log_out(page)

    open_case(page, live_server, "priya", case)
    triage_case(page, severity="Serious", summary="Board figures are said to have been passed to a supplier.")
    expect(page.locator("#routing-reason")).to_contain_text(
        "Formal track, decided by the panel: the breach is serious."
    )
    expect(page.get_by_role("button", name="Decide")).to_have_count(0)  # the panel decides, not the programme manager
    convene_panel(page, button="Convene a panel", names=["Pam Panel", "Quinn Quarry", "Rosa Reed"])
    log_out(page)

    respond_as(page, live_server, "bob", case)

    # Two views for a suspension, one against.
    give_view(page, live_server, "pam", case, button="Give your view", outcome="Suspension")
    give_view(page, live_server, "quinn", case, button="Give your view", outcome="Suspension")
    give_view(page, live_server, "rosa", case, button="Give your view", outcome="Formal warning")

    open_case(page, live_server, "pam", case)
    expect(page.locator("#panel-verdict")).to_contain_text(
        "The panel decided: 2 of 3 for suspension; dissent: Rosa Reed (formal warning)."
    )
    until = timezone.localdate() + datetime.timedelta(days=90)
    page.get_by_role("button", name="Decide").click()
    page.get_by_label("Suspension", exact=True).check()
    page.get_by_label("Day").fill(str(until.day))
    page.get_by_label("Month").fill(str(until.month))
    page.get_by_label("Year").fill(str(until.year))
    page.get_by_label("Finding").fill("The figures were shared before the annual report was published.")
    page.get_by_label("Reasons").fill("The supplier's email is dated a week before publication.")
    page.get_by_label("Wider causes").fill("Board papers carry no marking of what is confidential.")
    page.get_by_label("Lessons").fill("Mark confidential papers and say until when.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision has been recorded")).to_be_visible()
    expect(page.locator("#case-outcome")).to_contain_text("Suspension")
    assert_accessible(page)
    log_out(page)
    case.refresh_from_db()
    assert (case.status, case.track, case.outcome, case.decided_by) == ("decided", "formal", "suspension", pam)
    assert not decision_participation_check(user=bob.user).allowed

    # The respondent appeals, with grounds.
    log_in(page, live_server, "bob")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.get_by_text("The supplier's email is dated a week before publication.")).to_be_visible()
    page.get_by_role("button", name="Appeal against this decision").click()
    expect(page.get_by_role("heading", name="Appeal against the decision")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send your appeal").click()
    expect(page.get_by_role("link", name="Give your grounds of appeal")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your grounds of appeal").fill("The annual report was public a week earlier than the panel says.")
    page.get_by_role("button", name="Send your appeal").click()
    expect(page.get_by_text("Your appeal has been sent.")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    # A second panel, none of whom decided, overturns it.
    log_in(page, live_server, "priya")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.locator("#appeal")).to_be_visible()
    page.get_by_role("button", name="Convene an appeal panel").click()
    expect(page.get_by_label("Pam Panel", exact=True)).to_have_count(0)
    page.go_back()
    convene_panel(page, button="Convene an appeal panel", names=["Sam Stone", "Tara Teal", "Uma Upton"])
    log_out(page)
    for member in ("sam", "tara", "uma"):
        give_view(page, live_server, member, case, button="Give your view on the appeal", outcome="Not upheld")
    log_in(page, live_server, "sam")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("button", name="Record the appeal's decision").click()
    assert_accessible(page)
    page.get_by_label("Reasons").fill("The figures were public before they were shared.")
    page.get_by_label("What the person who reported the concern is told").fill(
        "The decision was reviewed on appeal and the matter is now settled."
    )
    page.get_by_role("button", name="Record the appeal's decision").click()
    expect(page.get_by_text("The appeal's decision is recorded")).to_be_visible()
    expect(page.locator("#appeal-outcome")).to_contain_text("Decision overturned")
    expect(page.locator("#case-outcome")).to_contain_text("Suspension")  # the original decision stays
    assert_accessible(page)
    log_out(page)

    # Northfield's partners can take part again.
    assert decision_participation_check(user=bob.user).allowed
    log_in(page, live_server, "bob")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.locator("#appeal-outcome")).to_contain_text("Decision overturned")
    assert_accessible(page)
    log_out(page)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.get_by_text("The decision was reviewed on appeal and the matter is now settled.")).to_be_visible()
    expect(page.get_by_text("overturned")).to_have_count(0)
    assert (
        Membership.objects.get(organisation=bob.organisation, partnership__slug="health-creation-alliance").ended_on
        is None
    )
    assert [sam, tara, uma] == list(Appeal.objects.get().panel.members.order_by("username"))


def test_reporting_and_following_up_work_without_javascript(
    page_without_javascript, live_server, static_built, alice, bob
):
    page = page_without_javascript
    fill_report(page, live_server, anonymous=True, check=lambda page: None)
    code = page.locator("#receipt-code").inner_text()
    page.goto(f"{live_server.url}/breaches/follow-up/")
    page.get_by_label("Receipt code").fill(code)
    page.get_by_role("button", name="See your report").click()
    page.get_by_label("What do you want to add?").fill("One more thing.")
    page.get_by_role("button", name="Add to the report").click()
    expect(page.get_by_text("What you added is now part of your report.")).to_be_visible()
    assert CaseMessage.objects.get().text == "One more thing."
