"""At 320 CSS pixels wide the register of declarations reflows: the page does not scroll sideways."""

import pytest

from tests.browser import assert_accessible, assert_reflows, log_in

from .conftest import EXCLUDED, accept, declare

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _today():
    """The live server runs on the real clock, not the frozen one of the other tests."""


def test_the_register_reflows_at_320_pixels(page, live_server, static_built, alice, bob, priya):
    accept(declare(alice), priya, EXCLUDED)
    declare(bob)
    log_in(page, live_server, "priya")
    page.goto(f"{live_server.url}/declarations/register/")
    page.get_by_role("table").wait_for()
    assert_reflows(page)
    assert_accessible(page)
