"""The programme manager sees every declaration made to their partnerships, filters them,
pages through them and downloads them as CSV."""

import csv
import datetime
import io

import pytest

from conduct.models import Membership

from .conftest import EXCLUDED, accept, days_ago, declare, send_back

pytestmark = pytest.mark.django_db

REGISTER = "/declarations/register/"
EXPORT = "/declarations/register.csv"


def listed(client, query="") -> list[int]:
    response = client.get(REGISTER + query)
    assert response.status_code == 200
    return [declaration.pk for declaration in response.context["page"]]


def csv_rows(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def declarations(alice, bob, charlie, acme, priya, time_machine):
    """A gift from Acme (alice, accepted with an exclusion), outside employment (bob,
    late, returned), a nil declaration (bob, 5 March) and charlie's, in the Coalition."""
    time_machine.move_to(datetime.datetime(2026, 3, 5, 12, 0, tzinfo=datetime.UTC), tick=False)
    nil = declare(bob, nil=True)
    time_machine.move_to(datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC), tick=False)
    gift = accept(declare(alice, counterparty_organisation=acme, counterparty_name=""), priya, EXCLUDED)
    job = send_back(
        declare(
            bob,
            kind="professional",
            situation="outside_employment",
            counterparty_name="Westway Pharmacy",
            arose_on=days_ago(60),
        ),
        priya,
    )
    coalition = declare(charlie)
    return {"gift": gift, "job": job, "nil": nil, "coalition": coalition}


def test_the_register_counts_its_declarations_by_status_within_the_other_filters(client, priya, declarations):
    client.force_login(priya)
    tallies = {tally.label: tally.count for tally in client.get(REGISTER).context["status_tallies"]}
    assert (tallies["Submitted"], tallies["Returned"], tallies["Accepted"]) == (1, 1, 1)
    late_only = client.get(REGISTER + "?late=true&status=returned")
    tallies = {tally.label: (tally.count, tally.chosen) for tally in late_only.context["status_tallies"]}
    assert (tallies["Returned"], tallies["Accepted"], tallies["Submitted"]) == ((1, True), (0, False), (0, False))
    html = late_only.content.decode()
    assert '<a class="govuk-link" href="?late=true&amp;status=accepted">Accepted: 0</a>' in html
    assert "<strong>Returned: 1</strong>" in html


def test_the_programme_manager_sees_their_partnerships_declarations_newest_first(client, priya, declarations):
    client.force_login(priya)
    assert listed(client) == [declarations["job"].pk, declarations["gift"].pk, declarations["nil"].pk]
    page = client.get(REGISTER).content.decode()
    assert "Financial interest: gift concerning Acme Health Supplies" in page and "No interests to declare" in page


def test_drafts_are_not_on_the_register(client, priya, alice, declarations):
    declare(alice, submit=False)
    client.force_login(priya)
    assert len(listed(client)) == 3


def test_an_administrator_sees_every_partnership(client, ada, declarations):
    client.force_login(ada)
    assert declarations["coalition"].pk in listed(client)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?organisation=riverside", ["gift"]),
        ("?organisation=RIVERSIDE+COMMUNITY", ["gift"]),
        ("?concerning=acme", ["gift"]),
        ("?kind=professional", ["job"]),
        ("?situation=gift", ["gift"]),
        ("?status=returned", ["job"]),
        ("?status=submitted", ["nil"]),
        ("?late=true", ["job"]),
        ("?declared_from=2026-03-01&declared_to=2026-03-10", ["nil"]),
        ("?declared_from=2026-03-20", ["job", "gift"]),
        ("?partnership={alliance}&kind=financial&status=accepted", ["gift"]),
    ],
)
def test_the_register_filters(client, priya, declarations, riverside, acme, alliance, query, expected):
    client.force_login(priya)
    query = query.format(riverside=riverside.pk, acme=acme.pk, alliance=alliance.pk)
    assert listed(client, query) == [declarations[name].pk for name in expected]


def test_a_partnership_the_user_does_not_review_cannot_be_chosen(client, priya, declarations, coalition):
    client.force_login(priya)
    response = client.get(f"{REGISTER}?partnership={coalition.pk}")
    assert "Select a valid choice" in response.content.decode()
    assert declarations["coalition"].pk not in [d.pk for d in response.context["page"]]


def test_a_date_that_is_not_a_date_is_explained(client, priya, declarations):
    client.force_login(priya)
    page = client.get(f"{REGISTER}?declared_from=31/02/2026").content.decode()
    assert "Enter the first date as a real date, for example 2026-03-27" in page


def test_partners_do_not_see_the_register(client, alice):
    client.force_login(alice.user)
    assert client.get(REGISTER).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_a_reviewer_sees_only_the_partnership_they_review(client, rita, declarations):
    client.force_login(rita)
    assert declarations["coalition"].pk not in listed(client)
    assert len(listed(client)) == 3


def make_declarations(partner, count):
    for number in range(count):
        declare(partner, counterparty_name=f"Supplier {number}")


def test_the_register_pages_fifty_at_a_time(client, priya, alice):
    make_declarations(alice, 51)
    client.force_login(priya)
    assert len(listed(client)) == 50
    assert len(listed(client, "?page=2")) == 1
    assert 'aria-label="Page 1 of 2"' in client.get(REGISTER).content.decode()


def test_the_csv_has_a_row_for_each_declaration_with_its_filters_applied(client, priya, declarations):
    client.force_login(priya)
    response = client.get(EXPORT)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="declarations-2026-03-20.csv"'
    header, *rows = csv_rows(response)
    assert header[:6] == ["Reference", "Partnership", "Partner", "Email", "Organisation", "Status"]
    by_reference = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_reference) == {declarations[name].pk for name in ("gift", "job", "nil")}
    gift = by_reference[declarations["gift"].pk]
    assert gift["Status"] == "Accepted" and gift["Concerning member organisation"] == "Acme Health Supplies"
    assert gift["Estimated value (£)"] == "60.00" and gift["Accepted or declined"] == "Accepted"
    assert gift["Management actions"] == "Excluded from decisions concerning Acme Health Supplies"
    job = by_reference[declarations["job"].pk]
    assert (job["Late"], job["Kind"], job["Situation"], job["Status"]) == (
        "yes",
        "Professional",
        "Outside employment",
        "Returned",
    )
    assert by_reference[declarations["nil"].pk]["Nil declaration"] == "yes"

    _, *late_rows = csv_rows(client.get(EXPORT + "?late=true"))
    assert [int(row[0]) for row in late_rows] == [declarations["job"].pk]


def test_the_csv_does_not_let_typed_text_run_as_a_spreadsheet_formula(client, priya, alice):
    declare(alice, counterparty_name='=HYPERLINK("http://evil.example")', description="+1 cmd")
    client.force_login(priya)
    header, row = csv_rows(client.get(EXPORT))
    record = dict(zip(header, row, strict=True))
    assert record["Concerning (name)"] == '\'=HYPERLINK("http://evil.example")'
    assert record["Description"] == "'+1 cmd"


def test_a_partner_whose_organisation_left_still_appears_on_the_register(client, priya, alice, alliance):
    declaration = declare(alice)
    Membership.objects.filter(organisation=alice.organisation, partnership=alliance).update(
        ended_on=datetime.date(2026, 3, 20)
    )
    client.force_login(priya)
    assert listed(client) == [declaration.pk]


def test_the_index_tells_reviewers_how_many_are_waiting(client, priya, alice, bob):
    declare(alice)
    declare(bob)
    client.force_login(priya)
    page = client.get("/declarations/").content.decode()
    assert "2 declarations waiting for review." in page
