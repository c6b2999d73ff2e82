"""Every list page's query parameters, fed random and hostile values (a NUL
byte, which PostgreSQL refuses in any string, above all): each is checked by
the page's filter form before it reaches the database, so the page answers
200 (showing what it could filter, and the error) or 302, never 500."""

import datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.security.access_matrix_fixtures import build_world

PAGE = ["page"]
# (path, who may see it, the query parameters it reads)
LIST_PAGES = [
    ("/codes/", "ada", PAGE),
    ("/codes/health-creation-alliance/changes/", "ada", ["from", "to", "from_number", "to_number"]),
    ("/codes/health-creation-alliance/versions/2/signatures/", "priya", ["organisation", "status", *PAGE]),
    ("/codes/health-creation-alliance/versions/2/signatures.csv", "priya", ["organisation", "status"]),
    ("/signatures/", "alice", PAGE),
    ("/reviews/", "ada", PAGE),
    ("/declarations/", "alice", PAGE),
    ("/declarations/annual/", "priya", ["partnership", *PAGE]),
    (
        "/declarations/register/",
        "priya",
        ["partnership", "organisation", "concerning", "kind", "situation", "status", "late", "declared_from", *PAGE],
    ),
    ("/declarations/register.csv", "priya", ["partnership", "organisation", "status", "declared_to"]),
    ("/declarations/public/{alliance}/", "anonymous", PAGE),
    ("/breaches/report/", "anonymous", ["partnership", "incident_date_0", "incident_date_1", "incident_date_2"]),
    ("/breaches/report/details/", "anonymous", ["partnership", "incident_date_0", "incident_date_1"]),
    ("/breaches/mine/", "alice", PAGE),
    ("/breaches/cases/", "priya", ["status", "track", "partnership", "overdue", *PAGE]),
    ("/breaches/cases.csv", "priya", ["status", "track", "partnership", "overdue"]),
    ("/breaches/lessons/", "priya", PAGE),
    ("/manage/partnerships/", "ada", PAGE),
    ("/manage/partnerships/{alliance}/people/", "priya", ["q", "waiting", *PAGE]),
    ("/privacy/retention/", "ada", PAGE),
    ("/privacy/subject-access/", "ada", PAGE),
    ("/meetings/", "priya", PAGE),
    ("/meetings/public/{alliance}/", "anonymous", PAGE),
]

HOSTILE_VALUE = st.one_of(
    st.sampled_from(["\x00", "a\x00b", "%00", "-1", "0", "99999999999999999999", "1e9", "NaN", "' OR 1=1--", ""]),
    st.text(max_size=40),
)


@pytest.fixture
def world(seed_codes, alliance, alice, bob, priya, ada, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 12, 0, tzinfo=datetime.UTC), tick=False)
    return build_world(alliance=alliance, alice=alice, bob=bob, priya=priya, ada=ada)


def _answer(client, world, path, who, params):
    client.raise_request_exception = False
    client.logout()
    if world["users"][who]:
        client.force_login(world["users"][who])
    response = client.get(path.format(**world), params)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(value=HOSTILE_VALUE)
@example(value="\x00")
def test_no_list_page_fails_on_hostile_query_values(client, world, value):
    failures = []
    for path, who, names in LIST_PAGES:
        status = _answer(client, world, path, who, dict.fromkeys(names, value))
        if status not in (200, 302):
            failures.append(f"{path} as {who} with {value!r}: {status}")
    assert not failures, "\n".join(failures)


def test_a_nul_byte_in_the_annual_confirmations_filter_is_an_error_not_a_failure(client, world):
    client.force_login(world["users"]["priya"])
    response = client.get("/declarations/annual/", {"partnership": "\x00"})
    assert response.status_code == 200
    assert "Choose one of the partnerships listed" in response.content.decode()
