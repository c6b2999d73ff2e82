"""The subject access pages run the same number of SQL queries however much is held about
the person, and however many requests there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from breaches import services as breach_services
from conduct.models import EmailDelivery
from declarations import services as declaration_services
from privacy import services
from tests.breaches.conftest import TODAY, report, triage

pytestmark = pytest.mark.django_db


def more_about_bob(people, alliance, n: int) -> None:
    """n more declarations, concerns about his organisation that he answered, emails and requests."""
    bob = people["bob"]
    start = EmailDelivery.objects.count()
    for i in range(start, start + n):
        declaration = declaration_services.declaration_start(actor=bob, partnership=alliance, is_nil=True)
        declaration_services.declaration_submit(declaration=declaration, actor=bob, note=f"Nothing, {i}.")
        case = triage(report(reporter=people["alice"]), people["priya"])
        breach_services.breach_case_respond(case=case, actor=bob, text=f"Answer {i}.")
        EmailDelivery.objects.create(purpose=f"test:{i}", to=bob.email, subject=f"Email {i}", body_text="Hello")
        services.subject_access_request_record(subject=bob, asked_by="Bob", received_on=TODAY, actor=people["ada"])


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["", "new/", "{sar}/", "{sar}/export/", "{sar}/export.json"])
def test_a_page_makes_as_many_queries_for_much_held_as_for_little(client, people, alliance, page):
    sar = services.subject_access_request_record(
        subject=people["bob"], asked_by="Bob", received_on=TODAY, actor=people["ada"]
    )
    url = "/privacy/subject-access/" + page.format(sar=sar.pk)
    client.force_login(people["ada"])
    more_about_bob(people, alliance, 1)
    few = queries_for(client, url)
    more_about_bob(people, alliance, 6)
    assert queries_for(client, url) == few
