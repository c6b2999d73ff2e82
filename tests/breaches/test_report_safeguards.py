"""What protects people who report and the programme managers who receive
reports: the receipt code page is kept out of caches."""

import re

import pytest

from tests.breaches.test_reporting import DETAILS, HCA_MARCH, details_data

pytestmark = pytest.mark.django_db


def test_the_page_showing_a_receipt_code_is_kept_out_of_caches(client, bob, priya):
    response = client.post(DETAILS + HCA_MARCH, details_data(identity="anonymous"), follow=True)
    assert re.search(r'id="receipt-code">[0-9A-Z-]+<', response.content.decode())
    assert "no-store" in response["Cache-Control"]
