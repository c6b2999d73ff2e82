"""In Chromium, with axe-core on each page: a decision-maker who is not a partner (priya, the
programme manager, marked as one) is asked to confirm her declarations, and confirms them."""

import pytest
from playwright.sync_api import expect

from conduct import services as conduct_services
from conduct.models import PartnershipRole
from declarations import tasks
from declarations.models import AnnualConfirmation
from tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _today():
    """The live server runs on the real clock, not the frozen one of the other tests."""


def test_a_decision_maker_who_is_not_a_partner_confirms_her_declarations(
    page, live_server, static_built, priya, ada, alliance
):
    conduct_services.role_grant(partnership=alliance, user=priya, role=PartnershipRole.Role.DECISION_MAKER, actor=ada)
    # Appointed before this round began, she is asked with the partners when it does.
    PartnershipRole.objects.filter(user=priya, role=PartnershipRole.Role.DECISION_MAKER).update(granted_at=None)
    tasks.ask_for_annual_confirmations()
    log_in(page, live_server, "priya")
    page.goto(f"{live_server.url}/declarations/")
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("Please confirm your declarations to The Health Creation Alliance")
    assert_accessible(page)
    banner.get_by_role("link", name="Check and confirm them").click()
    expect(page.get_by_role("heading", name="Confirm your declarations")).to_be_visible()
    expect(page.get_by_text("You have made no declarations to this partnership.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="These are complete and up to date").click()
    expect(
        page.get_by_text("Thank you: your declarations to The Health Creation Alliance are confirmed")
    ).to_be_visible()
    expect(page.get_by_role("region", name="Important")).to_have_count(0)
    assert_accessible(page)
    assert AnnualConfirmation.objects.get(person=priya).how == "confirmed"
