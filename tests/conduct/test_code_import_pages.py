"""An administrator creates a code for a partnership and gives it its first draft from the
document: pasted or uploaded, checked and corrected on a preview, saved only on confirming."""

import datetime
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conduct import services
from conduct.models import AuditEntry, Code, CodeVersion, Item, Partnership

from .code_documents import TWO_LEVEL, numbered_docx

pytestmark = pytest.mark.django_db

CREATE = "/manage/codes/new/"


@pytest.fixture
def riverside_board(seed_codes):
    return Partnership.objects.create(
        name="Riverside Health Partnership Board",
        slug="riverside-board",
        kind="other",
        code=Code.objects.get(slug="c4pc-shared-code"),
    )


@pytest.fixture
def admin_client(client, ada):
    client.force_login(ada)
    return client


@pytest.fixture
def riverside_code(admin_client, riverside_board):
    admin_client.post(CREATE, {"title": "Riverside Members' Code of Conduct", "partnership": riverside_board.pk})
    return Code.objects.get(slug="riverside-members-code-of-conduct")


def import_url(code) -> str:
    return f"/manage/codes/{code.slug}/import/"


def confirm_url(code) -> str:
    return f"/manage/codes/{code.slug}/import/confirm/"


def preview_post(response) -> dict:
    """What the preview's form would send unchanged: the document, the proposed details and
    the proposed value of each item."""
    html = response.content.decode()
    data = {"document": response.context["document"]}
    for name, value in re.findall(r'name="((?:form|details)-[^"]+)"[^>]*? value="([^"]*)"', html):
        data[name] = unescape(value)
    for form in response.context["formset"]:
        data[form.add_prefix("kind")] = form.initial["kind"]
        data[form.add_prefix("number")] = form.initial["number"]
        if form.initial["nested"]:
            data[form.add_prefix("nested")] = "on"
    return data


def row_of(response, text: str) -> int:
    return next(i for i, ((_s, item, _p), _f) in enumerate(response.context["rows"]) if item.text.startswith(text))


def test_an_administrator_creates_a_code_that_the_partnership_adopts(admin_client, riverside_board):
    response = admin_client.post(
        CREATE, {"title": "Riverside Members' Code of Conduct", "partnership": riverside_board.pk}
    )

    code = Code.objects.get(slug="riverside-members-code-of-conduct")
    assert response.url == import_url(code)
    riverside_board.refresh_from_db()
    assert riverside_board.code == code
    assert code.owner == "Riverside Health Partnership Board"
    assert AuditEntry.objects.filter(action="code.created", subject_id=str(code.pk)).exists()


def test_a_code_needs_a_title_shown_in_the_error_summary(admin_client, riverside_board):
    response = admin_client.post(CREATE, {"title": " ", "partnership": riverside_board.pk})

    assert response.status_code == 200
    assert '<a href="#id_title">Enter the title of the code</a>' in response.content.decode()
    assert "<title>Error: Create a code – Conduct</title>" in response.content.decode()
    assert Code.objects.filter(owner=riverside_board.name).count() == 0


def test_pasting_the_text_shows_the_structure_and_saves_nothing(admin_client, riverside_code):
    response = admin_client.post(import_url(riverside_code), {"text": TWO_LEVEL})

    html = response.content.decode()
    assert "Check the structure" in html
    assert "4. Conflicts of interest" in html
    assert 'value="4.2"' in html and 'value="(a)"' in html
    assert not riverside_code.versions.exists()


def test_the_preview_shows_the_lines_it_could_not_place(admin_client, riverside_code):
    response = admin_client.post(
        import_url(riverside_code), {"text": TWO_LEVEL.replace("3. Principles", "* * *\n\n3. Principles")}
    )

    html = response.content.decode()
    assert "Lines Conduct could not place" in html
    assert "<li>Line 18: * * *</li>" in html
    assert not riverside_code.versions.exists()


def test_the_preview_proposes_the_details_for_the_administrator_to_confirm(admin_client, riverside_code):
    response = admin_client.post(import_url(riverside_code), {"text": TWO_LEVEL})

    proposed = preview_post(response)
    assert proposed["details-title"] == "Riverside Members' Code of Conduct"
    assert proposed["details-label"] == "Version 2, March 2025"
    # "March 2025": the first of the month, shown as the draft page shows it.
    assert [proposed[f"details-version_date_{part}"] for part in range(3)] == ["1", "3", "2025"]
    assert [proposed.get(f"details-last_full_review_on_{part}") for part in range(3)] == [None, None, None]
    # "lightly every year and in full every two years"
    assert (proposed["details-light_touch_review_months"], proposed["details-full_review_months"]) == ("12", "24")
    html = response.content.decode()
    assert "The document's own label" in unescape(html)
    assert "The document states no review cadence" not in html


def test_details_changed_on_the_preview_reach_the_draft(admin_client, riverside_code):
    preview = admin_client.post(import_url(riverside_code), {"text": TWO_LEVEL})
    data = preview_post(preview)
    data["details-label"] = "Version 2"
    data["details-version_date_0"] = ""  # the document gives only a month
    data["details-last_full_review_on_1"], data["details-last_full_review_on_2"] = "1", "2025"
    data["details-light_touch_review_months"], data["details-full_review_months"] = "6", "36"

    response = admin_client.post(confirm_url(riverside_code), data)

    draft = riverside_code.versions.get(status=CodeVersion.Status.DRAFT)
    assert response.url == f"/manage/codes/{riverside_code.slug}/versions/1/edit/"
    assert (draft.title, draft.label) == ("Riverside Members' Code of Conduct", "Version 2")
    assert (draft.version_date, draft.last_full_review_on) == (datetime.date(2025, 3, 1), datetime.date(2025, 1, 1))
    assert (draft.light_touch_review_months, draft.full_review_months) == (6, 36)
    assert "Draft Version 2 made from the document" in admin_client.get(response.url).content.decode()


def test_a_bad_date_on_the_preview_is_shown_by_its_field_and_nothing_is_saved(admin_client, riverside_code):
    preview = admin_client.post(import_url(riverside_code), {"text": TWO_LEVEL})
    data = preview_post(preview)
    row = row_of(preview, "This code sets out")
    data[f"form-{row}-kind"] = "text"
    data["details-version_date_1"] = "13"
    data["details-label"] = "Version 2"

    response = admin_client.post(confirm_url(riverside_code), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert '<a href="#id_details-version_date_0">The version&#x27;s date must be a real date</a>' in html
    assert html.count("The version&#x27;s date must be a real date") == 2  # in the summary and by the field
    # What the administrator changed is kept: the corrected kind, the new label.
    assert preview_post(response)["details-label"] == "Version 2"
    assert '<option value="text" selected>' in html.split(f'id="id_form-{row}-kind"')[1].split("</select>")[0]
    assert not riverside_code.versions.exists()
    assert not AuditEntry.objects.filter(action="version.draft_imported").exists()


def test_reviews_lighter_than_full_ones_less_often_are_refused_by_the_field(admin_client, riverside_code):
    preview = admin_client.post(import_url(riverside_code), {"text": TWO_LEVEL})
    data = preview_post(preview)
    data["details-light_touch_review_months"], data["details-full_review_months"] = "36", "12"

    response = admin_client.post(confirm_url(riverside_code), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_details-light_touch_review_months">Light-touch reviews must come at least as often' in html
    assert not riverside_code.versions.exists()


def test_confirming_makes_the_draft_with_the_kind_the_administrator_corrected(admin_client, riverside_code):
    preview = admin_client.post(import_url(riverside_code), {"text": TWO_LEVEL})
    data = preview_post(preview)
    row = row_of(preview, "This code sets out")
    data[f"form-{row}-kind"] = "text"

    response = admin_client.post(confirm_url(riverside_code), data)

    draft = riverside_code.versions.get(status=CodeVersion.Status.DRAFT)
    assert response.url == f"/manage/codes/{riverside_code.slug}/versions/1/edit/"
    assert Item.objects.get(section__version=draft, number="1.1").kind == "text"
    clause = Item.objects.get(section__version=draft, number="4.2")
    assert list(clause.children.order_by("position").values_list("number", flat=True)) == ["(a)", "(b)"]
    assert AuditEntry.objects.filter(action="version.draft_imported", subject_id=str(draft.pk)).exists()


def test_the_administrator_can_lift_a_sub_point_out_of_its_clause(admin_client, riverside_code):
    preview = admin_client.post(import_url(riverside_code), {"text": TWO_LEVEL})
    data = preview_post(preview)
    del data[f"form-{row_of(preview, 'will leave the room')}-nested"]

    admin_client.post(confirm_url(riverside_code), data)

    lifted = Item.objects.get(section__version__code=riverside_code, number="(b)")
    assert lifted.parent is None


def test_a_correction_that_cannot_stand_is_shown_and_nothing_is_saved(admin_client, riverside_code):
    preview = admin_client.post(import_url(riverside_code), {"text": TWO_LEVEL})
    data = preview_post(preview)
    data["form-0-nested"] = "on"
    data[f"form-{row_of(preview, 'Members will record')}-kind"] = "principle"

    response = admin_client.post(confirm_url(riverside_code), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Item 1 (1.1) is the first of its section: it cannot be a sub-point" in html
    assert "names none of the seven principles: choose another kind" in html
    assert not riverside_code.versions.exists()


def test_a_word_document_can_be_uploaded(admin_client, riverside_code):
    upload = SimpleUploadedFile("northfield.docx", numbered_docx())

    response = admin_client.post(import_url(riverside_code), {"file": upload})

    assert "Check the structure" in response.content.decode()
    assert [item.number for _s, item, _p in response.context["proposal"].items()] == ["1", "2", "(a)", "(b)", "3", ""]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "The document is empty"),
        (
            {"file": SimpleUploadedFile("code.docx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)},
            "The file is not a Word document that can be read",
        ),
        ({"text": TWO_LEVEL.replace("4.3 The chair", "4.2 The chair")}, "Clause 4.2 appears twice"),
        ({"text": TWO_LEVEL.replace("(b) will leave", "(c) will leave")}, "(b) is missing"),
    ],
    ids=["empty", "binary-docx", "repeated-number", "skipped-letter"],
)
def test_a_bad_document_is_refused_with_the_reason_and_nothing_saved(admin_client, riverside_code, data, message):
    response = admin_client.post(import_url(riverside_code), data)

    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert not riverside_code.versions.exists()


def test_a_ten_megabyte_paste_gets_the_form_again_with_the_reason_by_the_text_box(admin_client, riverside_code):
    response = admin_client.post(import_url(riverside_code), {"text": "We will be kind.\n" * 620_000})

    assert response.status_code == 413
    html = response.content.decode()
    assert "There is a problem" in html
    message = "The text is larger than 2 MB, far more than any code of conduct"
    assert f'<a href="#id_text">{message}' in html
    assert 'id="id_text_1_error"' in html and html.count(message) == 2  # in the summary and by the box
    assert f"<title>Error: Import {riverside_code.title} from its document" in unescape(html)
    assert 'name="file"' in html  # so that the document can be uploaded instead
    assert not riverside_code.versions.exists()


def test_a_partners_ten_megabyte_post_gets_the_page_saying_it_is_too_large_not_the_form(alice, seed_codes):
    # As a browser sends it, with its CSRF cookie: the token in the body is read before any view.
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "x" * 32
    client.force_login(alice.user)
    response = client.post("/manage/codes/c4pc-shared-code/import/", {"text": "We will be kind.\n" * 620_000})

    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()


def test_a_document_with_no_structure_is_previewed_as_one_section_of_free_text(admin_client, riverside_code):
    response = admin_client.post(
        import_url(riverside_code), {"text": "We try to be good neighbours.\n\nWe share what we learn.\n"}
    )

    assert "Conduct found no structure in this document" in response.content.decode()


def test_a_code_with_a_draft_offers_that_draft_instead(admin_client, seed_codes, ada):
    code = Code.objects.get(slug="c4pc-shared-code")
    services.code_version_start_draft(code=code, actor=ada)

    html = admin_client.get(import_url(code)).content.decode()

    assert "This code already has a draft" in html
    assert "Paste the code's text" not in html


@pytest.mark.parametrize("url", [CREATE, "/manage/codes/c4pc-shared-code/import/"])
def test_a_partner_cannot_create_or_import_codes(client, alice, url):
    client.force_login(alice.user)

    assert client.get(url).status_code == 403
    assert client.post(url, {"text": TWO_LEVEL}).status_code == 403


# --- The item form nests, moves and numbers sub-points ---------------------------------------------


@pytest.fixture
def imported(admin_client, riverside_code):
    preview = admin_client.post(import_url(riverside_code), {"text": TWO_LEVEL})
    admin_client.post(confirm_url(riverside_code), preview_post(preview))
    return riverside_code.versions.get()


def item_data(item: Item, **changes) -> dict:
    data = {
        "kind": item.kind,
        "topic": item.topic,
        "principle": item.principle_id or "",
        "number": item.number,
        "parent": item.parent_id or "",
        "title": item.title,
        "text": item.text,
    }
    data.update(changes)
    return data


def test_the_item_form_adds_a_sub_point_under_a_clause(admin_client, imported):
    clause = Item.objects.get(section__version=imported, number="4.2")

    admin_client.post(
        f"/manage/sections/{clause.section_id}/items/new/",
        {"kind": "rule", "topic": "conflicts", "number": "(c)", "parent": clause.pk, "text": "and will not vote."},
    )

    assert list(clause.children.order_by("position").values_list("number", flat=True)) == ["(a)", "(b)", "(c)"]
    html = admin_client.get(f"/codes/{imported.code.slug}/versions/1/").content.decode()
    assert html.index("will leave the room") < html.index("and will not vote.") < html.index("4.3")


def test_the_item_form_lifts_a_sub_point_out_to_stand_after_its_clause(admin_client, imported):
    sub_point = Item.objects.get(section__version=imported, number="(b)")

    admin_client.post(f"/manage/items/{sub_point.pk}/edit/", item_data(sub_point, parent="", number="4.2A"))

    sub_point.refresh_from_db()
    assert (sub_point.parent, sub_point.number) == (None, "4.2A")
    numbers = [item.number for item in Item.objects.filter(section=sub_point.section, parent=None).order_by("position")]
    assert numbers == ["4.1", "4.2", "4.2A", "4.3", "4.4"]


def test_the_item_form_nests_a_clause_under_another(admin_client, imported):
    clause = Item.objects.get(section__version=imported, number="4.3")
    under = Item.objects.get(section__version=imported, number="4.1")

    admin_client.post(f"/manage/items/{clause.pk}/edit/", item_data(clause, parent=under.pk))

    assert list(under.children.values_list("number", flat=True)) == ["4.3"]


def test_a_clause_with_sub_points_cannot_become_one(admin_client, imported):
    clause = Item.objects.get(section__version=imported, number="4.2")
    under = Item.objects.get(section__version=imported, number="4.1")

    response = admin_client.post(f"/manage/items/{clause.pk}/edit/", item_data(clause, parent=under.pk))

    assert "This item has sub-points of its own, so it cannot become one." in response.content.decode()
    clause.refresh_from_db()
    assert clause.parent is None
