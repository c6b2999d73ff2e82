"""Every conduct list page runs the same number of SQL queries at 5 rows as at 500."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conduct.models import (
    Code,
    CodeReview,
    CodeVersion,
    Item,
    Membership,
    Organisation,
    Partner,
    Partnership,
    Section,
    Signature,
    SignatureRequest,
    SignedText,
    User,
)


def add_codes(n: int, *, partnership_for=None) -> None:
    start = Code.objects.count()
    for i in range(start, start + n):
        code = Code.objects.create(title=f"Code {i}", slug=f"code-{i}", owner="Owner")
        version = CodeVersion.objects.create(
            code=code, number=1, title=f"Code {i}", last_full_review_on=datetime.date(2023, 1, 1)
        )
        section = Section.objects.create(version=version, position=1, heading="Values")
        Item.objects.create(section=section, position=1, kind="value", text="We listen.")
        CodeVersion.objects.filter(pk=version.pk).update(status="published", published_at=timezone.now())
        CodeReview.objects.create(
            code=code, version=version, kind="full", due_on=datetime.date(2026, 1, 1), opened_at=timezone.now()
        )
        if partnership_for is not None:
            partnership = Partnership.objects.create(
                name=f"Partnership {i}", slug=f"partnership-{i}", kind="alliance", code=code
            )
            Membership.objects.create(
                organisation=partnership_for.organisation, partnership=partnership, started_on=datetime.date(2024, 1, 1)
            )
            text, _ = SignedText.objects.get_or_create(sha256="0" * 64, defaults={"text": "text"})
            Signature.objects.create(
                partner=partnership_for,
                organisation=partnership_for.organisation,
                version=version,
                typed_name="Alice Adams",
                signed_at=timezone.now(),
                signed_text=text,
                text_sha256="0" * 64,
            )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # a download reads its rows as it sends them
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url, who",
    [
        ("/", "alice"),
        ("/codes/", "alice"),
        ("/signatures/", "alice"),
        ("/manage/codes/", "ada"),
        ("/reviews/", "ada"),
    ],
)
def test_the_page_makes_as_many_queries_for_500_rows_as_for_5(client, db, alice, ada, url, who):
    client.force_login(alice.user if who == "alice" else ada)
    add_codes(5, partnership_for=alice)
    few = queries_for(client, url)
    add_codes(495, partnership_for=alice)
    many = queries_for(client, url)
    assert few == many, f"{url}: {few} queries for 5 rows, {many} for 500"


def add_partners_to_sign(count: int, *, version, partnership) -> list[Partner]:
    """New partners, three to a member organisation: a third of them signed (a third
    of those signatures since ended), and half asked to sign, some reminded."""
    start = User.objects.count()
    numbers = range(start, start + count)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Member {n:04}", slug=f"member-{n:04}") for n in numbers if n == start or n % 3 == 0
    )
    Membership.objects.bulk_create(
        Membership(organisation=organisation, partnership=partnership, started_on=datetime.date(2024, 1, 1))
        for organisation in organisations
    )
    users = User.objects.bulk_create(
        User(
            username=f"partner{n:04}",
            email=f"partner{n:04}@example.org",
            password="!",
            first_name="Pat",
            last_name=f"Person {n:04}",
        )
        for n in numbers
    )
    partners = Partner.objects.bulk_create(
        Partner(user=user, organisation=organisations[i // 3 % len(organisations)]) for i, user in enumerate(users)
    )
    text, _ = SignedText.objects.get_or_create(sha256="0" * 64, defaults={"text": "text"})
    now = timezone.now()
    Signature.objects.bulk_create(
        Signature(
            partner=partner,
            organisation=partner.organisation,
            version=version,
            typed_name=partner.user.get_full_name(),
            signed_at=now - datetime.timedelta(minutes=n),
            signed_text=text,
            text_sha256="0" * 64,
            status="ended" if n % 9 == 3 else "active",
            ended_at=now if n % 9 == 3 else None,
        )
        for n, partner in zip(numbers, partners, strict=True)
        if n % 3 == 0
    )
    SignatureRequest.objects.bulk_create(
        SignatureRequest(
            partner=partner,
            version=version,
            requested_at=now - datetime.timedelta(days=20),
            reminder_count=n % 4,
            last_reminded_at=now - datetime.timedelta(days=2) if n % 4 else None,
        )
        for n, partner in zip(numbers, partners, strict=True)
        if n % 2 == 0
    )
    return partners


def test_the_signature_charts_take_as_many_queries_for_500_partners_as_for_5(client, alliance, priya):
    version = CodeVersion.objects.get(code=alliance.code, status="published")
    url = f"/codes/{alliance.code.slug}/versions/{version.number}/signatures/chart/"
    client.force_login(priya)
    add_partners_to_sign(5, version=version, partnership=alliance)
    few = queries_for(client, url)
    add_partners_to_sign(495, version=version, partnership=alliance)
    many = queries_for(client, url)
    assert client.get(url).context["totals"]["total"] == 500
    assert few == many, f"{url}: {few} queries for 5 partners, {many} for 500"


@pytest.mark.parametrize("page", ["signatures/", "signatures.csv"])
def test_who_has_signed_takes_as_many_queries_for_500_partners_as_for_5(client, alliance, coalition, priya, page):
    version = CodeVersion.objects.get(code=alliance.code, status="published")
    url = f"/codes/{alliance.code.slug}/versions/{version.number}/{page}"
    client.force_login(priya)

    def listed() -> int:
        response = client.get(url)
        return (
            (b"".join(response.streaming_content) if response.streaming else response.content)
            .decode()
            .count("Pat Person")
        )

    add_partners_to_sign(5, version=version, partnership=alliance)
    few = queries_for(client, url)
    assert listed() == 5
    add_partners_to_sign(495, version=version, partnership=alliance)
    add_partners_to_sign(5, version=version, partnership=coalition)  # not expected to sign
    many = queries_for(client, url)
    assert listed() == (500 if page.endswith(".csv") else 50)
    if not page.endswith(".csv"):
        assert client.get(url).context["totals"]["total"] == 500
    assert few == many, f"{url}: {few} queries for 5 partners, {many} for 500"


def test_previewing_an_imported_code_takes_as_many_queries_for_200_clauses_as_for_5(client, seed_codes, ada):
    from bench.code_documents import numbered_code

    client.force_login(ada)

    def preview(clauses: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/manage/codes/c4pc-shared-code/import/", {"text": numbered_code(clauses)})
        assert "Check the structure" in response.content.decode()
        return len(captured)

    assert preview(5) == preview(200)


def test_making_the_draft_of_a_200_clause_code_takes_a_few_queries_more_than_of_a_5_clause_one(seed_codes, ada):
    from bench.code_documents import numbered_code
    from conduct import services
    from conduct.code_import import read_code

    partnership = Partnership.objects.create(name="Bench", slug="bench", kind="other", code=Code.objects.first())

    def draft(clauses: int) -> int:
        code = services.code_create(title=f"A code of {clauses} clauses", partnership=partnership, actor=ada)
        proposal = read_code(numbered_code(clauses))
        with CaptureQueriesContext(connection) as captured:
            made = services.code_draft_import(code=code, proposal=proposal, actor=ada, source="test")
        assert Item.objects.filter(section__version=made).count() == len(proposal.items())
        return len(captured)

    few = draft(5)
    # A handful more where SQLite takes the rows in several batches; never a query an item.
    assert draft(200) <= few + 6


def test_the_create_a_code_page_takes_as_many_queries_for_500_partnerships_as_for_5(client, seed_codes, ada):
    client.force_login(ada)
    code = Code.objects.first()

    def add(n: int) -> None:
        start = Partnership.objects.count()
        Partnership.objects.bulk_create(
            Partnership(name=f"Partnership {i}", slug=f"partnership-{i}", kind="other", code=code)
            for i in range(start, start + n)
        )

    add(5)
    few = queries_for(client, "/manage/codes/new/")
    add(495)
    assert queries_for(client, "/manage/codes/new/") == few
