"""Pages holding someone's case, declaration, receipt code, meeting conflicts or
personal data, and every CSV download, tell browsers and proxies to keep no copy: the next person at a
shared computer must not find them in its cache or history."""

import datetime

import pytest

from tests.security.access_matrix_fixtures import build_world
from tests.security.test_access_matrix import GET_MATRIX, WHO, visit

PRIVATE_NAMESPACES = ("breaches:", "declarations:", "meetings:", "privacy:")
# Written for anyone to read: the public register and the pages that start a report.
PUBLIC = {
    "declarations:public-register-list",
    "declarations:public-register",
    "meetings:public-meetings",
    "meetings:public-record",
    "privacy:notice",
    "breaches:index",
    "breaches:report",
    "breaches:follow-up",
}


@pytest.fixture
def world(seed_codes, alliance, alice, bob, priya, ada, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 12, 0, tzinfo=datetime.UTC), tick=False)
    return build_world(alliance=alliance, alice=alice, bob=bob, priya=priya, ada=ada)


def test_every_case_and_declaration_page_and_every_csv_is_kept_out_of_caches(client, world):
    cached = []
    for name, path, expected in GET_MATRIX:
        private = name.startswith(PRIVATE_NAMESPACES) and name not in PUBLIC
        if not (private or path.endswith(".csv")):
            continue
        for who, answer in zip(WHO, expected.split(), strict=True):
            if answer != "200":
                continue
            visit(client, world, who, "get", path)
            response = client.get(path.format(**world))
            if "no-store" not in response.get("Cache-Control", ""):
                cached.append(f"{name} as {who}: {response.get('Cache-Control')!r}")
    assert not cached, "\n".join(cached)
