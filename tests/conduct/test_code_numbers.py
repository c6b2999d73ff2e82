"""Numbers as the document writes them, one item tree everywhere, a principle named once,
the document's own label, and a review that is due opened as the version is published."""

import datetime

import pytest

from breaches.forms import ReportDetailsForm
from breaches.selectors import citable_sections
from conduct import services
from conduct.code_import import read_code
from conduct.models import Code, CodeReview, Item, Organisation, Partnership

from .code_documents import TWO_LEVEL

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside(seed_codes, ada, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC), tick=False)
    board = Partnership.objects.create(
        name="Riverside Health Partnership Board", slug="riverside-board", kind="other", code=Code.objects.first()
    )
    code = services.code_create(title="Riverside Members' Code", partnership=board, actor=ada)
    draft = services.code_draft_import(code=code, proposal=read_code(TWO_LEVEL), actor=ada, source="test")
    return services.code_version_publish(version=draft, actor=ada)


def test_the_version_page_shows_each_number_with_sub_points_under_their_clause(client, riverside):
    html = client.get(riverside.get_absolute_url()).content.decode()

    clause = html.index('<strong class="conduct-code__number">4.2</strong>')
    a = html.index('<strong class="conduct-code__number">(a)</strong>')
    b = html.index('<strong class="conduct-code__number">(b)</strong>')
    after = html.index('<strong class="conduct-code__number">4.3</strong>')
    assert clause < a < b < after


def test_a_principle_named_without_wording_shows_its_name_once(client, riverside):
    html = client.get(riverside.get_absolute_url()).content.decode()

    assert html.count("Selflessness") == 1
    assert "Selflessness:" not in html


def test_pages_give_the_documents_own_label_not_the_internal_number(client, riverside):
    html = client.get(riverside.get_absolute_url()).content.decode()

    assert "Riverside Members&#x27; Code · Version 2, March 2025" in html
    assert "version 1 (Version 2" not in html
    assert str(riverside) == "Riverside Members' Code of Conduct, Version 2, March 2025"


def test_a_report_cites_a_sub_point_by_its_full_number(riverside):
    sections = citable_sections(riverside)
    form = ReportDetailsForm(
        organisations=Organisation.objects.none(),
        sections=sections,
        user=type("Anonymous", (), {"is_authenticated": False})(),
    )
    conflicts = next(name for name in form.item_field_names if form.fields[name].label == "4. Conflicts of interest")
    labels = [label for _value, label in form.fields[conflicts].choices]

    assert labels == [
        "4.1 Members must declare any interest as soon as they become aware of it.",
        "4.2 A member with a financial interest in a matter:",
        "4.2(a) A member with a financial interest will not take part in the discussion; and",
        "4.2(b) will leave the room for the decision.",
        "4.3 The chair decides whether an interest is a conflict.",
        "4.4 Declarations are recorded in the register.",
    ]


def test_each_principle_is_offered_once_when_citing(riverside):
    form = ReportDetailsForm(
        organisations=Organisation.objects.none(),
        sections=citable_sections(riverside),
        user=type("Anonymous", (), {"is_authenticated": False})(),
    )

    offered_items = [label for name in form.item_field_names for _v, label in form.fields[name].choices]
    offered_principles = [label for _v, label in form.fields["principles"].widget.choices]
    assert [label for label in offered_items if label in ("Selflessness", "Integrity", "Honesty")] == [
        "Selflessness",
        "Integrity",
        "Honesty",
    ]
    assert offered_principles == ["Objectivity", "Accountability", "Openness", "Leadership"]


def test_the_diff_compares_sub_points_under_their_own_clause_and_shows_numbers(client, riverside, ada):
    draft = services.code_version_start_draft(code=riverside.code, actor=ada)
    item = Item.objects.get(section__version=draft, number="(b)")
    services.item_edit(
        item=item, actor=ada, kind="rule", title="", text="will leave the room for the vote.", topic="conflicts"
    )
    services.code_version_publish(version=draft, actor=ada)

    html = client.get(f"/codes/{riverside.code.slug}/changes/?from=1&to=2").content.decode()

    assert "4.2(b) will leave the room for the" in html
    # Set in under its clause, as the code's page sets it.
    entry = html[: html.index("4.2(b) will leave the room for the")].rsplit("<div ", 1)[1]
    assert "conduct-diff__entry--nested govuk-!-margin-left-6" in entry


def test_publishing_a_version_whose_review_is_overdue_opens_it_at_once(seed_codes, ada, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC), tick=False)
    code = Code.objects.get(slug="c4pc-shared-code")
    draft = services.code_version_start_draft(code=code, actor=ada)
    services.code_version_edit_draft(version=draft, actor=ada, last_full_review_on=datetime.date(2023, 3, 1))

    services.code_version_publish(version=draft, actor=ada)

    review = CodeReview.objects.get(code=code, status=CodeReview.Status.OPEN)
    assert (review.kind, review.due_on) == ("full", datetime.date(2026, 3, 1))
