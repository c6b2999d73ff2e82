"""A programme manager sees who has signed the version of their partnership's code."""

import csv
import datetime
import io

import pytest

from conduct import services
from conduct.models import CodeVersion, Membership, Partner, User

HCA = "health-creation-alliance"
DASHBOARD = "/codes/health-creation-alliance/versions/2/signatures/"
EXPORT = "/codes/health-creation-alliance/versions/2/signatures.csv"

pytestmark = pytest.mark.django_db


def version(number: int, slug: str = HCA) -> CodeVersion:
    return CodeVersion.objects.get(code__slug=slug, number=number)


def sign(partner, number=2, slug=HCA):
    return services.signature_record(
        partner=partner, version=version(number, slug), typed_name=partner.user.get_full_name()
    )[0]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def test_the_signature_filters_declare_an_organisation_filter():
    from conduct.filters import SignatureStatusFilter

    assert "organisation" in SignatureStatusFilter.base_filters, (
        "conduct/filters.py: the `organisation` property at the end of SignatureStatusFilter has the same name as "
        "the `organisation` filter declared at its top and replaces it, so the filter is never declared and "
        "__init__ raises KeyError('organisation'): the dashboard and its CSV export fail for everyone"
    )


@pytest.fixture
def signed_by_alice(alice, bob):
    return sign(alice)


def test_the_programme_manager_sees_how_many_have_signed(client, priya, signed_by_alice, charlie):
    client.force_login(priya)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals["total"], totals["signed"], totals["outstanding"], totals["percent_signed"]) == (2, 1, 1, 50)
    html = response.content.decode()
    assert '<dd class="govuk-summary-list__value" id="total-expected">2</dd>' in html
    assert '<dd class="govuk-summary-list__value" id="total-signed">1 (50%)</dd>' in html
    assert '<dd class="govuk-summary-list__value" id="total-outstanding">1</dd>' in html
    assert "Alice Adams" in html and "Bob Brown" in html
    assert "Charlie Cole" not in html  # not in the alliance


def test_the_list_shows_who_signed_and_who_is_outstanding(client, priya, signed_by_alice):
    client.force_login(priya)
    rows = {p.name: p for p in client.get(DASHBOARD).context["page"]}
    assert rows["Alice Adams"].signed_at == signed_by_alice.signed_at
    assert rows["Alice Adams"].signature_reference == signed_by_alice.reference
    assert rows["Bob Brown"].signed_at is None


def test_an_ended_signature_does_not_count(client, priya, alice, bob, alliance):
    from django.utils import timezone

    sign(alice)
    sign(bob)
    # Alice's organisation leaves: she is no longer expected, and her signature has ended.
    services.membership_end(
        membership=Membership.objects.get(organisation=alice.organisation, partnership=alliance),
        ended_on=timezone.localdate(),
        reason="Left",
        actor=priya,
    )
    client.force_login(priya)
    totals = client.get(DASHBOARD).context["totals"]
    assert (totals["total"], totals["signed"], totals["percent_signed"]) == (1, 1, 100)


def test_a_partner_whose_account_is_closed_is_neither_expected_nor_counted_as_signed(client, priya, alice, bob):
    sign(alice)
    sign(bob)
    User.objects.filter(pk=bob.user_id).update(is_active=False)
    client.force_login(priya)
    response = client.get(DASHBOARD)
    totals = response.context["totals"]
    assert (totals["total"], totals["signed"], totals["outstanding"]) == (1, 1, 0)
    assert [p.name for p in response.context["page"]] == ["Alice Adams"]


def test_the_dashboard_can_be_filtered_by_organisation(client, priya, signed_by_alice, northfield):
    client.force_login(priya)
    response = client.get(DASHBOARD, {"organisation": northfield.pk})
    assert response.status_code == 200
    assert [p.name for p in response.context["page"]] == ["Bob Brown"]
    totals = response.context["totals"]
    assert (totals["total"], totals["signed"], totals["percent_signed"]) == (1, 0, 0)
    assert "Alice Adams" not in response.content.decode()


def test_the_organisation_filter_offers_only_member_organisations(client, priya, signed_by_alice, charlie):
    client.force_login(priya)
    response = client.get(DASHBOARD)
    offered = {label for value, label in response.context["filter"].form.fields["organisation"].choices if value}
    assert offered == {"Riverside Community Health", "Northfield Wellbeing Trust"}
    # Asking for an organisation outside the partnership shows nobody from it.
    response = client.get(DASHBOARD, {"organisation": charlie.organisation.pk})
    assert "Charlie Cole" not in response.content.decode()


@pytest.mark.parametrize(
    "status, expected",
    [("signed", ["Alice Adams"]), ("outstanding", ["Bob Brown"]), ("", ["Alice Adams", "Bob Brown"])],
)
def test_the_dashboard_can_be_filtered_by_status(client, priya, signed_by_alice, status, expected):
    client.force_login(priya)
    response = client.get(DASHBOARD, {"status": status})
    assert response.status_code == 200
    assert sorted(p.name for p in response.context["page"]) == expected


def test_the_csv_export_has_one_row_per_partner(client, priya, signed_by_alice):
    client.force_login(priya)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="signatures-health-creation-alliance-v2.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == [
        "Organisation",
        "Partner",
        "Email",
        "Signed",
        "Signed at",
        "Signature reference",
        "Asked at",
        "Reminders",
        "Last reminded at",
    ]
    by_email = {row[2]: row for row in rows}
    assert len(rows) == 2
    assert by_email["alice@example.org"][:4] == [
        "Riverside Community Health",
        "Alice Adams",
        "alice@example.org",
        "yes",
    ]
    assert by_email["alice@example.org"][4].startswith(str(signed_by_alice.signed_at.year))
    assert by_email["alice@example.org"][5] == str(signed_by_alice.reference)
    assert by_email["bob@example.org"] == [
        "Northfield Wellbeing Trust",
        "Bob Brown",
        "bob@example.org",
        "no",
        "",
        "",
        "",
        "0",
        "",
    ]


def test_the_csv_export_follows_the_filters(client, priya, signed_by_alice):
    client.force_login(priya)
    _, *rows = csv_rows(client.get(EXPORT, {"status": "outstanding"}))
    assert [row[2] for row in rows] == ["bob@example.org"]


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
def test_a_partner_cannot_see_who_has_signed(client, alice, charlie, url):
    for partner in (alice, charlie):
        client.force_login(partner.user)
        assert client.get(url).status_code == 403


def test_the_programme_manager_of_another_partnership_cannot_see_who_has_signed(client, coalition, seed_codes):
    from conduct.models import PartnershipRole

    other = User.objects.create_user(username="quentin", email="quentin@example.org", password="x")
    PartnershipRole.objects.create(user=other, partnership=coalition, role=PartnershipRole.Role.PROGRAMME_MANAGER)
    client.force_login(other)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get("/codes/c4pc-shared-code/versions/1/signatures/").status_code == 200


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
def test_anonymous_visitors_are_sent_to_log_in(client, seed_codes, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_an_administrator_can_see_who_has_signed(client, ada, signed_by_alice):
    client.force_login(ada)
    assert client.get(DASHBOARD).context["totals"]["signed"] == 1


def test_pages_follow_on_from_each_other_across_organisations(client, priya, alliance):
    """Each page reads only the organisations it spans: together the pages must
    list every partner once, by organisation and then name, whatever the filter."""
    from tests.conftest import make_organisation

    organisations = [make_organisation(f"Member {letter}", alliance) for letter in "DACEB"]
    sizes = [1, 37, 0, 48, 26]  # pages of 50 begin and end inside organisations
    users = User.objects.bulk_create(
        User(username=f"m{o}-{n}", first_name="Pat", last_name=f"{(n * 7) % 50:02}", email=f"m{o}-{n}@example.org")
        for o, size in enumerate(sizes)
        for n in range(size)
    )
    users_of = iter(users)
    partners = [
        Partner.objects.create(user=next(users_of), organisation=organisation)
        for organisation, size in zip(organisations, sizes, strict=True)
        for _ in range(size)
    ]
    signed = {partner.pk for partner in partners[::3]}
    for partner in partners[::3]:
        sign(partner)
    inactive = partners[5]
    User.objects.filter(pk=inactive.user_id).update(is_active=False)
    active = [p for p in partners if p.pk != inactive.pk]
    expected_order = sorted(active, key=lambda p: (p.organisation.name, p.user.last_name, p.user.first_name, p.pk))

    client.force_login(priya)
    for status, wanted in [
        ("", expected_order),
        ("signed", [p for p in expected_order if p.pk in signed]),
        ("outstanding", [p for p in expected_order if p.pk not in signed]),
    ]:
        listed = []
        for number in range(1, 4):
            response = client.get(DASHBOARD, {"status": status, "page": number})
            assert response.status_code == 200
            listed += [p.partner_id for p in response.context["page"]]
            if not response.context["page"].has_next():
                break
        assert listed == [p.pk for p in wanted], f"status {status!r}"
        assert response.context["page"].paginator.count == len(wanted)


def test_the_dashboard_tallies_agree_with_whom_the_publish_page_and_the_requests_expect(
    alice, bob, charlie, alliance, coalition
):
    """The dashboard counts in one SQL query, publishing and the requests through the ORM
    (selectors.partners_expected_to_sign): on awkward data they must count the same people."""
    from django.utils import timezone

    from conduct.models import Organisation, Partnership, Signature
    from conduct.selectors import partners_expected_to_sign, signature_tallies
    from tests.conftest import make_organisation, make_partner

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    second = Partnership.objects.create(name="Second", slug="second", kind=alliance.kind, code=alliance.code)

    def member(name: str, partnership, *, started_on=today - 30 * day, ended_on=None) -> Organisation:
        organisation = Organisation.objects.get_or_create(name=name, slug=name.lower().replace(" ", "-"))[0]
        Membership.objects.create(
            organisation=organisation, partnership=partnership, started_on=started_on, ended_on=ended_on
        )
        return organisation

    sign(alice)
    closed = make_partner("closed", "Closed", "Account", bob.organisation)
    sign(closed)
    User.objects.filter(pk=closed.user_id).update(is_active=False)
    left = member("Left Yesterday", alliance)
    sign(make_partner("left", "Has", "Left", left))  # their signature stays active: only the membership ended
    Membership.objects.filter(organisation=left).update(ended_on=today - day)
    make_partner("future", "Not", "Yet", member("Joins Tomorrow", alliance, started_on=today + day))
    sign(make_partner("leaving", "Still", "Here", member("Leaves Tomorrow", alliance, ended_on=today + day)))
    both = member("In Both", alliance)
    member("In Both", second)
    sign(make_partner("both", "In", "Both", both))
    make_partner("second", "Only", "Second", member("Only Second", second))
    ended = make_partner("ended", "Ended", "Signature", member("Ended Signature", second))
    Signature.objects.filter(pk=sign(ended).pk).update(status=Signature.Status.ENDED, ended_at=timezone.now())
    make_organisation("Coalition Too", coalition)  # another code: expected by neither

    current = version(2)
    for partnerships in ([alliance], [second], [alliance, second]):
        tallies = signature_tallies(current, partnership_ids=[p.pk for p in partnerships])
        expected = partners_expected_to_sign(current, partnerships=partnerships)
        signed = expected.filter(signatures__version=current, signatures__status=Signature.Status.ACTIVE)
        assert sum(tally.expected for tally in tallies) == expected.count(), partnerships
        assert sum(tally.signed for tally in tallies) == signed.count(), partnerships
        assert {tally.organisation_id for tally in tallies} == set(expected.values_list("organisation_id", flat=True))
    assert sorted(
        partners_expected_to_sign(current, partnerships=[alliance, second]).values_list("user__username", flat=True)
    ) == ["alice", "bob", "both", "ended", "leaving", "second"]
