"""The partnership pages run the same number of SQL queries at 5 people as at 200."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conduct.models import Membership, Organisation, Partner, PartnershipRole, User
from tests.conftest import authenticator_for


def add_people(partnership, n: int) -> None:
    start = User.objects.count()
    organisation = Organisation.objects.create(name=f"Organisation {start}", slug=f"organisation-{start}")
    Membership.objects.create(organisation=organisation, partnership=partnership, started_on=datetime.date(2024, 1, 1))
    for i in range(start, start + n):
        user = User.objects.create(username=f"person{i}", email=f"person{i}@example.org", last_name=f"Person {i}")
        Partner.objects.create(user=user, organisation=organisation, job_title="Director")
        PartnershipRole.objects.create(user=user, partnership=partnership, role="panel_member")


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["", "people/", "people/?q=person", "policies/"])
def test_the_page_makes_as_many_queries_for_200_people_as_for_5(client, ada, alliance, page):
    client.force_login(ada)
    url = f"/manage/partnerships/{alliance.slug}/{page}"
    add_people(alliance, 5)
    few = queries_for(client, url)
    add_people(alliance, 195)
    assert queries_for(client, url) == few


def test_the_authenticator_reset_page_makes_as_many_queries_for_200_people_as_for_5(client, ada, alliance, alice):
    authenticator_for(alice.user)
    client.force_login(ada)
    url = f"/manage/partnerships/{alliance.slug}/people/{alice.pk}/authenticator-reset/"
    add_people(alliance, 5)
    few = queries_for(client, url)
    add_people(alliance, 195)
    assert queries_for(client, url) == few
