"""A version is named by the document's own label on every page; its number stays internal.

The Riverside code's first version calls itself "Version 2, March 2025" and its second
"Version 3": a partner or an administrator reading "version 1" anywhere would be misled."""

import datetime
import re

import pytest
from django.core import mail

from conduct import services
from conduct.code_import import read_code
from conduct.models import Code, Signature

from .code_documents import TWO_LEVEL

pytestmark = pytest.mark.django_db

VERSION_1_AS_NUMBER = re.compile(r"\bversion 1\b", re.IGNORECASE)


@pytest.fixture
def members_code(alliance, ada, alice, time_machine, django_capture_on_commit_callbacks):
    """Alice signed the first version ("Version 2, March 2025"); the second ("Version 3") is now published."""
    time_machine.move_to(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC), tick=False)
    code = services.code_create(title="Riverside Members' Code", partnership=alliance, actor=ada)
    first = services.code_draft_import(code=code, proposal=read_code(TWO_LEVEL), actor=ada, source="test")
    with django_capture_on_commit_callbacks(execute=True):
        services.code_version_publish(version=first, actor=ada)
    services.signature_record(partner=alice, version=first, typed_name="Alice Adams")
    second = services.code_version_start_draft(code=code, actor=ada)
    services.code_version_edit_draft(version=second, actor=ada, label="Version 3")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.code_version_publish(version=second, actor=ada)
    return code


def assert_named_by_label(html: str) -> None:
    assert not VERSION_1_AS_NUMBER.search(html), VERSION_1_AS_NUMBER.search(html)


def riverside_only(html: str) -> str:
    """The Riverside code's card on the list of codes, whose other codes have no labels of their own."""
    if '<h1 class="govuk-heading-xl">Manage codes</h1>' not in html:
        return html
    start = html.index("Riverside Members&#x27; Code</h2>")
    return html[start : html.find('<div class="govuk-summary-card">', start)]


def test_no_page_a_partner_reads_calls_the_first_version_version_1(client, members_code, alice, bob):
    signature = Signature.objects.get(partner=alice)
    pages = [
        (alice, "/", "since you signed Version 2, March 2025"),
        (alice, "/codes/riverside-members-code/versions/1/", "Version 2, March 2025"),
        (alice, "/codes/riverside-members-code/versions/2/", "Version 3"),
        (alice, "/codes/riverside-members-code/versions/2/sign/", "What changed since Version 2, March 2025"),
        (alice, "/codes/riverside-members-code/changes/?from=1&to=2", "From Version 2, March 2025 to Version 3"),
        (alice, "/signatures/", "Version 2, March 2025"),
        (alice, signature.get_absolute_url(), "Version 2, March 2025"),
        (bob, "/codes/riverside-members-code/versions/1/sign/", "Read and sign the current version, Version 3"),
    ]

    for partner, url, expected in pages:
        client.force_login(partner.user)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert expected in html.replace("&#x27;", "'"), url
        assert_named_by_label(html)


def test_the_email_asking_a_partner_to_sign_again_names_both_versions_by_their_labels(members_code, alice):
    (to_alice,) = [m for m in mail.outbox if m.to == [alice.user.email]]

    assert to_alice.subject == "Please sign Riverside Members' Code, Version 3"
    assert "You signed Version 2, March 2025." in to_alice.body
    assert_named_by_label(to_alice.subject + to_alice.body)


def test_no_page_an_administrator_reads_calls_a_version_by_its_number(admin_client, members_code, ada):
    services.code_version_start_draft(code=members_code, actor=ada)
    pages = {
        "/manage/codes/": "Version 3",
        "/manage/codes/riverside-members-code/versions/3/edit/": "Edit draft version 3",
        "/manage/codes/riverside-members-code/versions/3/publish/": "Version 3 will be superseded.",
        "/codes/riverside-members-code/versions/1/signatures/": "Read Version 2, March 2025",
        "/codes/riverside-members-code/versions/1/signatures/chart/": "Version 2, March 2025",
        "/codes/riverside-members-code/versions/2/signatures/": "Read Version 3",
        f"/reports/health-creation-alliance/{datetime.date.today().year}/": "Riverside Members' Code, Version 3",
    }

    for url, expected in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = riverside_only(response.content.decode())
        assert expected in html.replace("&#x27;", "'"), url
        assert_named_by_label(html)
        # The label of the second version is not spelt out as its number either.
        assert not re.search(r"\bversion 2\b(?!, March)", html, re.IGNORECASE), url


def test_a_draft_whose_label_says_draft_is_not_called_draft_twice(admin_client, members_code, ada):
    draft = services.code_version_start_draft(code=members_code, actor=ada)
    services.code_version_edit_draft(version=draft, actor=ada, label="Draft October 2027")

    html = admin_client.get("/manage/codes/riverside-members-code/versions/3/edit/").content.decode()

    assert "Edit Draft October 2027</h1>" in html
    assert "draft Draft" not in html
    assert Code.objects.get(slug="riverside-members-code").versions.get(number=3).draft_name == "Draft October 2027"
