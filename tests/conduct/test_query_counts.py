"""Every conduct list page runs the same number of SQL queries at 5 rows as at 500."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conduct.models import Code, CodeReview, CodeVersion, Item, Membership, Partnership, Section, Signature, SignedText


def add_codes(n: int, *, partnership_for=None) -> None:
    start = Code.objects.count()
    for i in range(start, start + n):
        code = Code.objects.create(title=f"Code {i}", slug=f"code-{i}", owner="Owner")
        version = CodeVersion.objects.create(code=code, number=1, title=f"Code {i}", last_full_review_on=datetime.date(2023, 1, 1))
        section = Section.objects.create(version=version, position=1, heading="Values")
        Item.objects.create(section=section, position=1, kind="value", text="We listen.")
        CodeVersion.objects.filter(pk=version.pk).update(status="published", published_at=timezone.now())
        CodeReview.objects.create(code=code, version=version, kind="full", due_on=datetime.date(2026, 1, 1), opened_at=timezone.now())
        if partnership_for is not None:
            partnership = Partnership.objects.create(name=f"Partnership {i}", slug=f"partnership-{i}", kind="alliance", code=code)
            Membership.objects.create(organisation=partnership_for.organisation, partnership=partnership, started_on=datetime.date(2024, 1, 1))
            text, _ = SignedText.objects.get_or_create(sha256="0" * 64, defaults={"text": "text"})
            Signature.objects.create(
                partner=partnership_for, organisation=partnership_for.organisation, version=version, typed_name="Alice Adams",
                signed_at=timezone.now(), signed_text=text, text_sha256="0" * 64,
            )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
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
