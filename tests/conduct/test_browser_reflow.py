"""At 320 CSS pixels wide the signature dashboard reflows: the page does not scroll sideways."""

import pytest

from tests.browser import assert_accessible, assert_reflows, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_signature_dashboard_reflows_at_320_pixels(page, live_server, static_built, alice, bob, priya):
    log_in(page, live_server, "priya")
    page.goto(f"{live_server.url}/codes/health-creation-alliance/versions/2/signatures/")
    page.get_by_role("table").wait_for()
    assert_reflows(page)
    assert_accessible(page)
