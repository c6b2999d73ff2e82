"""An administrator reads the retention schedule and changes a period in the app."""

import pytest

from conduct.models import AuditEntry
from privacy.models import RetentionRule


def test_the_schedule_shows_each_kind_with_its_default_and_source(client, ada):
    client.force_login(ada)
    page = client.get("/privacy/retention/").content.decode()
    assert "Closed breach cases" in page and "Accounts of people who left" in page
    assert "72 months after the day the case was closed or withdrawn" in page
    assert "Limitation Act 1980" in page and "Managing Conflicts of Interest in the NHS" in page


def test_an_administrator_changes_a_period_with_a_reason(client, ada):
    client.force_login(ada)
    response = client.post("/privacy/retention/evidence/", {"months": "3", "reason": "Advice of our DPO"})
    assert response.status_code == 302
    assert RetentionRule.objects.get(kind="evidence").months == 3
    assert AuditEntry.objects.get(action="retention.period_set").reason == "Advice of our DPO"
    assert "3 months after the day the case was closed" in client.get("/privacy/retention/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"months": "", "reason": "x"}, "Enter how many months to keep it"),
        ({"months": "0", "reason": "x"}, "The period must be at least 1 month"),
        ({"months": "six", "reason": "x"}, "Enter the number of months as a whole number"),
        ({"months": "6", "reason": ""}, "Give the reason the period changes"),
        ({"months": "6", "reason": "   "}, "Give the reason the period changes"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_changes(client, ada, data, message):
    client.force_login(ada)
    response = client.post("/privacy/retention/evidence/", data)
    assert response.status_code == 200
    assert message in response.content.decode() and "govuk-error-summary" in response.content.decode()
    assert not RetentionRule.objects.exists()


def test_the_schedule_page_takes_the_same_queries_however_many_rules(client, ada, django_assert_max_num_queries):
    client.force_login(ada)
    client.post("/privacy/retention/evidence/", {"months": "3", "reason": "x"})
    client.post("/privacy/retention/left_accounts/", {"months": "30", "reason": "x"})
    with django_assert_max_num_queries(6):
        assert client.get("/privacy/retention/").status_code == 200
