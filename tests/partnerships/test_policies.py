"""A partnership's administrator sets its declaration and breach policies on one page.

ada administers everything; priya is the alliance's programme manager; alice is a partner."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breaches.models import BreachPolicy
from breaches.selectors import policy_for
from conduct.models import AuditEntry
from declarations.models import DeclarationPolicy
from tests.page_titles import page_title
from tests.security.test_hostile_input import HOSTILE_NUMBER, assert_handled

URL = "/manage/partnerships/health-creation-alliance/policies/"


def current_values(response) -> dict:
    """What the page shows in each box, as a browser would submit it."""
    form = response.context["forms"]
    data = {}
    for each in form:
        for bound in each:
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = str(value)
    return data


def test_the_page_shows_each_default_and_its_limits(client, ada, alliance):
    client.force_login(ada)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "period need not be declared (they may be, as voluntary entries). Between 0 and 10,000; 50.00 unless" in html
    assert "Between 1 and 15; 3 unless you change it." in html
    assert 'name="breaches-panel_size" value="3"' in html
    assert 'inputmode="numeric"' in html and 'type="number"' not in html


def test_an_administrator_changes_the_gift_threshold_and_the_panel_size(client, ada, alliance):
    client.force_login(ada)
    data = current_values(client.get(URL))
    data.update({"declarations-gift_threshold": "40", "breaches-panel_size": "5", "breaches-panel_unanimous": "on"})
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == "/manage/partnerships/health-creation-alliance/"
    assert DeclarationPolicy.objects.get(partnership=alliance).gift_threshold == Decimal("40")
    policy = BreachPolicy.objects.get(partnership=alliance)
    assert (policy.panel_size, policy.panel_unanimous, policy.triage_target_working_days) == (5, True, 5)
    summaries = list(
        AuditEntry.objects.filter(action__endswith="_policy.changed")
        .order_by("sequence")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Declaration policy of The Health Creation Alliance: gift threshold (£): 50.00 to 40",
        "Breach policy of The Health Creation Alliance: panel size (members): 3 to 5; "
        "a panel decides only when unanimous: False to True",
    ]
    assert AuditEntry.objects.filter(action="breach_policy.changed").get().actor == ada


def test_saving_without_a_change_records_nothing(client, ada, alliance):
    client.force_login(ada)
    client.post(URL, current_values(client.get(URL)))
    assert not AuditEntry.objects.filter(action__endswith="_policy.changed").exists()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("declarations-gift_threshold", "", "Enter the gift threshold (£)"),
        ("declarations-gift_threshold", "lots", "Gift threshold (£) must be a number"),
        ("declarations-gift_threshold", "-1", "Gift threshold (£) must be 0 or more"),
        ("declarations-gift_threshold", "20000", "Gift threshold (£) must be 10,000 or less"),
        ("declarations-gift_threshold", "12.345", "Gift threshold (£) must have no more than 2 decimal places"),
        ("declarations-late_after_days", "0", "Days after which a declaration is late must be 1 or more"),
        ("declarations-late_after_days", "2.5", "Days after which a declaration is late must be a whole number"),
        ("breaches-acknowledgement_days", "400", "Acknowledgement time (days) must be 90 or less"),
        ("breaches-panel_size", "99999999", "Panel size (members) must be 15 or less"),
        ("breaches-feedback_months", "", "Enter the feedback time (months)"),
    ],
)
def test_a_value_outside_its_limits_is_refused_with_a_clear_error_and_nothing_is_saved(
    client, ada, alliance, field, typed, message
):
    client.force_login(ada)
    data = current_values(client.get(URL))
    data.update({"breaches-triage_target_working_days": "9", field: typed})
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert f'href="#id_{field}"' in html
    assert page_title(html) == f"Error: Policies of {alliance.name} – Conduct"  # "Error: " once
    if typed:
        assert f'value="{typed}"' in html
    assert not BreachPolicy.objects.filter(partnership=alliance).exists()
    assert not AuditEntry.objects.filter(action__endswith="_policy.changed").exists()


def test_a_new_timescale_is_the_one_new_cases_get(client, ada, alliance):
    client.force_login(ada)
    data = current_values(client.get(URL))
    data["breaches-acknowledgement_days"] = "3"
    client.post(URL, data)
    assert policy_for(alliance).acknowledgement_days == 3


def test_only_the_partnerships_administrators_change_its_policies(client, priya, alice, alliance):
    client.force_login(priya)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"declarations-gift_threshold": "1"}).status_code == 403
    client.force_login(alice.user)
    assert client.get(URL).status_code == 403
    assert not AuditEntry.objects.filter(action__endswith="_policy.changed").exists()


def test_the_admin_saves_a_policy_through_the_same_service(client, ada, alliance):
    policy = BreachPolicy.objects.create(partnership=alliance)
    client.force_login(ada)
    url = f"/admin/breaches/breachpolicy/{policy.pk}/change/"
    data = {
        field.name: getattr(policy, field.name)
        for field in BreachPolicy._meta.fields
        if field.name not in {"id", "partnership", "panel_unanimous"}
    }
    data["panel_size"] = 7
    assert client.post(url, data).status_code == 302
    policy.refresh_from_db()
    assert policy.panel_size == 7
    assert AuditEntry.objects.get(action="breach_policy.changed").summary.endswith("panel size (members): 3 to 7")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    field=st.sampled_from(
        [
            "declarations-supplier_gift_limit",
            "declarations-hospitality_threshold",
            "declarations-hospitality_approval_above",
            "declarations-gift_period_months",
            "declarations-historic_months",
            "declarations-annual_confirmation_month",
        ]
    ),
    typed=HOSTILE_NUMBER,
    ticked=st.sampled_from(["on", "", "<script>", "\x00"]),
)
def test_the_declaration_policy_with_hostile_input(client, ada, alliance, field, typed, ticked):
    client.force_login(ada)
    data = current_values(client.get(URL))
    data.update({field: typed, "declarations-public_register_lists_voluntary": ticked})
    response = client.post(URL, data)
    assert_handled(response, typed)
    if response.status_code == 200:
        assert "There is a problem" in response.content.decode()


def test_each_box_is_labelled_and_an_error_is_read_out_with_its_box(client, ada, alliance):
    """The fields are written out by the page's own template (#16): a screen reader still
    hears each box's label, hint and error, and the radio chosen stays chosen."""
    client.force_login(ada)
    data = current_values(client.get(URL))
    data.update({"breaches-panel_size": "many", "meetings-other_interest": "left_room"})
    html = client.post(URL, data).content.decode()
    assert '<label for="id_breaches-panel_size" class="govuk-label">Panel size (members)</label>' in html
    assert (
        'aria-describedby="id_breaches-panel_size_hint id_breaches-panel_size_1_error" aria-invalid="true"'
        ' id="id_breaches-panel_size"'
    ) in html
    assert '<span id="id_breaches-panel_size_1_error" class="govuk-error-message">' in html
    assert 'id="id_meetings-other_interest_1" value="left_room" checked>' in html
    assert 'id="id_meetings-other_interest_2" value="stayed_not_voting">' in html
    assert 'for="id_meetings-other_interest_1">Left the room for the item</label>' in html
