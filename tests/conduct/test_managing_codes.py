"""An administrator drafts, edits, previews and publishes a new version of a code."""

import datetime
import re

import pytest

from conduct import services
from conduct.models import AuditEntry, Code, CodeVersion, Item, Section

HCA = "health-creation-alliance"
MANAGE = "/manage/codes/"
START = "/manage/codes/health-creation-alliance/drafts/new/"
EDIT_3 = "/manage/codes/health-creation-alliance/versions/3/edit/"
PUBLISH_3 = "/manage/codes/health-creation-alliance/versions/3/publish/"
PREVIEW_3 = "/codes/health-creation-alliance/versions/3/"

pytestmark = pytest.mark.django_db


def version(number: int, slug: str = HCA) -> CodeVersion:
    return CodeVersion.objects.get(code__slug=slug, number=number)


def draft_item(title: str) -> Item:
    return Item.objects.get(section__version__code__slug=HCA, section__version__status="draft", title=title)


def values_section_titles(draft) -> list[str]:
    section = draft.sections.order_by("position").first()
    return list(section.items.order_by("position").values_list("title", flat=True))


@pytest.fixture
def draft(seed_codes, ada):
    return services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)


@pytest.fixture
def admin_client(client, ada):
    client.force_login(ada)
    return client


def date_parts(name: str, day) -> dict:
    """What GOV.UK's date input sends: day, month and year apart."""
    parts = (day.day, day.month, day.year) if day else ("", "", "")
    return {f"{name}_{index}": str(part) for index, part in enumerate(parts)}


def details(draft, **changes) -> dict:
    data = {
        "title": draft.title,
        "label": draft.label,
        **date_parts("version_date", draft.version_date),
        "preamble": draft.preamble,
        **date_parts("last_full_review_on", draft.last_full_review_on),
        "light_touch_review_months": draft.light_touch_review_months,
        "full_review_months": draft.full_review_months,
    }
    data.update(changes)
    return data


# --- The journey ----------------------------------------------------------------------------------


def test_an_administrator_starts_a_draft_from_the_manage_page(admin_client, seed_codes, ada):
    page = admin_client.get(MANAGE)
    assert page.status_code == 200
    assert f'action="{START}"' in page.content.decode()

    response = admin_client.post(START)

    assert response.status_code == 302 and response["Location"] == EDIT_3
    draft = version(3)
    assert draft.status == "draft" and draft.created_from == version(2)
    assert AuditEntry.objects.filter(action="version.draft_started", actor=ada, subject_id=str(draft.pk)).exists()
    edit = admin_client.get(EDIT_3)
    assert edit.status_code == 200
    html = edit.content.decode()
    assert "Draft version 3 started from the latest version." in html
    assert "Edit draft version 3" in html and "Reciprocity" in html
    # The manage page no longer offers a second draft of this code.
    assert f'action="{START}"' not in admin_client.get(MANAGE).content.decode()


def test_starting_a_second_draft_is_refused_with_a_message(admin_client, draft):
    response = admin_client.post(START, follow=True)
    assert response.redirect_chain[-1][0] == MANAGE
    assert "This code already has a draft. Edit or publish that draft first." in response.content.decode()
    assert CodeVersion.objects.filter(code__slug=HCA, status="draft").count() == 1


def test_a_draft_cannot_be_started_with_a_get(admin_client, seed_codes):
    assert admin_client.get(START).status_code == 405
    assert not CodeVersion.objects.filter(status="draft").exists()


def test_an_administrator_edits_the_details_of_a_draft(admin_client, draft, ada):
    response = admin_client.post(
        EDIT_3,
        details(
            draft,
            title="The Health Creation Alliance Code of Conduct 2026",
            label="Draft 2026",
            light_touch_review_months=6,
            full_review_months=24,
        ),
    )
    assert response.status_code == 302 and response["Location"] == EDIT_3
    draft.refresh_from_db()
    assert (draft.title, draft.label, draft.light_touch_review_months, draft.full_review_months) == (
        "The Health Creation Alliance Code of Conduct 2026",
        "Draft 2026",
        6,
        24,
    )
    assert AuditEntry.objects.filter(action="version.draft_edited", actor=ada, subject_id=str(draft.pk)).exists()


def test_the_date_inputs_show_the_dates_they_hold(admin_client, draft):
    draft.version_date = draft.last_full_review_on
    draft.save()

    html = admin_client.get(EDIT_3).content.decode()

    for name in ("version_date", "last_full_review_on"):
        for index, part in enumerate((1, 10, 2023)):
            assert re.search(rf'name="{name}_{index}"[^>]*value="{part}"', html), (name, index)


def test_a_month_and_year_are_enough_for_a_date(admin_client, draft):
    """ "March 2025", as documents date themselves, through GOV.UK's date input."""
    admin_client.post(
        EDIT_3, details(draft, version_date_0="", version_date_1="3", version_date_2="2025", label="Version 2")
    )

    draft.refresh_from_db()
    assert (draft.version_date, draft.label) == (datetime.date(2025, 3, 1), "Version 2")


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"title": ""}, "title", "Enter the title of the code"),
        (
            {"light_touch_review_months": 40, "full_review_months": 36},
            "light_touch_review_months",
            "Light-touch reviews must come at least as often as full reviews",
        ),
        ({"light_touch_review_months": 0}, "light_touch_review_months", "Enter a number of months of at least 1"),
        ({"full_review_months": 0}, "full_review_months", "Enter a number of months of at least 1"),
        (
            {"version_date_0": "31", "version_date_1": "2", "version_date_2": "2026"},
            "version_date_0",
            "The version&#x27;s date must be a real date",
        ),
    ],
    ids=["empty title", "light-touch less often than full", "light-touch 0 months", "full 0 months", "bad date"],
)
def test_bad_draft_details_show_errors_and_save_nothing(admin_client, draft, changes, field, message):
    before = CodeVersion.objects.filter(pk=draft.pk).values().get()

    response = admin_client.post(EDIT_3, details(draft, **changes))

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert html.count(message) >= 2, "the message should be in the summary and by the field"
    assert f'href="#id_{field}"' in html
    assert CodeVersion.objects.filter(pk=draft.pk).values().get() == before
    assert not AuditEntry.objects.filter(action="version.draft_edited").exists()


def test_an_over_long_title_is_shown_back_whole_and_the_browser_is_not_told_to_cut_it(admin_client, draft):
    assert not re.search(r'\smaxlength="', admin_client.get(EDIT_3).content.decode())
    title = "The Health Creation Alliance code of conduct " * 5  # 224 characters once trimmed

    html = admin_client.post(EDIT_3, details(draft, title=title)).content.decode()

    assert html.count("The title must be 200 characters or fewer") == 2, "in the summary and by the field"
    assert f'value="{title}"' in html
    assert not re.search(r'\smaxlength="', html)
    assert version(3).title == draft.title


def test_an_administrator_edits_an_item(admin_client, draft, ada):
    item = draft_item("Reciprocity")
    url = f"/manage/items/{item.pk}/edit/"
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url, {"kind": "value", "title": "Reciprocity", "text": "We give as well as take.", "topic": "", "principle": ""}
    )

    assert response.status_code == 302 and response["Location"] == EDIT_3
    item.refresh_from_db()
    assert item.text == "We give as well as take."
    assert AuditEntry.objects.filter(action="item.edited", actor=ada, subject_id=str(item.pk)).exists()
    # The published version is untouched.
    assert Item.objects.get(section__version=version(2), title="Reciprocity").text.startswith("We seek to build")


def test_an_item_with_bad_input_is_not_saved(admin_client, draft):
    item = draft_item("Reciprocity")
    response = admin_client.post(
        f"/manage/items/{item.pk}/edit/", {"kind": "value", "title": "Reciprocity", "text": "", "topic": "conflicts"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the item&#x27;s text" in html and "Only a rule has a topic" in html
    assert Item.objects.get(pk=item.pk).text.startswith("We seek to build")


def test_an_administrator_adds_an_item(admin_client, draft):
    section = draft.sections.order_by("position").first()
    url = f"/manage/sections/{section.pk}/items/new/"
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url, {"kind": "value", "title": "Kindness", "text": "We are kind to each other.", "topic": "", "principle": ""}
    )

    assert response.status_code == 302 and response["Location"] == EDIT_3
    assert values_section_titles(draft)[-1] == "Kindness"
    assert "We are kind to each other." in admin_client.get(EDIT_3).content.decode()


def test_an_administrator_moves_an_item(admin_client, draft):
    item = draft_item("Reciprocity")
    assert values_section_titles(draft)[4:7] == ["Self-organising", "Reciprocity", "Power-shifting"]

    response = admin_client.post(f"/manage/items/{item.pk}/move/", {"direction": "up"})

    assert response.status_code == 302 and response["Location"] == f"{EDIT_3}#item-{item.pk}"
    assert values_section_titles(draft)[4:7] == ["Reciprocity", "Self-organising", "Power-shifting"]
    admin_client.post(f"/manage/items/{item.pk}/move/", {"direction": "down"})
    assert values_section_titles(draft)[4:7] == ["Self-organising", "Reciprocity", "Power-shifting"]


def test_an_administrator_removes_an_item_after_confirming(admin_client, draft):
    item = draft_item("Truth-telling")
    url = f"/manage/items/{item.pk}/remove/"
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert "Remove this item from the draft?" in confirm.content.decode()
    assert Item.objects.filter(pk=item.pk).exists()

    response = admin_client.post(url)

    assert response.status_code == 302 and response["Location"] == EDIT_3
    assert not Item.objects.filter(pk=item.pk).exists()
    assert "Truth-telling" not in values_section_titles(draft)


@pytest.mark.parametrize("path", ["edit", "remove", "move"])
def test_the_items_of_a_published_version_cannot_be_managed(admin_client, seed_codes, path):
    item = Item.objects.get(section__version=version(2), title="Reciprocity")
    response = admin_client.post(f"/manage/items/{item.pk}/{path}/", {"kind": "value", "text": "x", "direction": "up"})
    assert response.status_code == 404
    assert Item.objects.get(pk=item.pk).text.startswith("We seek to build")


def test_items_cannot_be_added_to_a_published_version(admin_client, seed_codes):
    section = version(2).sections.order_by("position").first()
    response = admin_client.post(f"/manage/sections/{section.pk}/items/new/", {"kind": "value", "text": "Slipped in"})
    assert response.status_code == 404
    assert not Item.objects.filter(text="Slipped in").exists()


def test_the_details_of_a_published_version_cannot_be_edited(admin_client, seed_codes):
    response = admin_client.post("/manage/codes/health-creation-alliance/versions/2/edit/", {"title": "Rewritten"})
    assert response.status_code == 404
    assert version(2).title == "The Health Creation Alliance Code of Conduct"


def test_the_administrator_previews_a_draft_nobody_else_can_see(client, draft, ada, alice):
    item = draft_item("Reciprocity")
    services.item_edit(item=item, actor=ada, kind="value", title="Reciprocity", text="A not yet published rewording.")

    assert client.get(PREVIEW_3).status_code == 404
    client.force_login(alice.user)
    assert client.get(PREVIEW_3).status_code == 404
    client.force_login(ada)
    response = client.get(PREVIEW_3)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This is a draft. Partners cannot see it until it is published." in html
    assert "A not yet published rewording." in html


def test_the_publish_page_shows_the_changes_and_how_many_partners_will_be_asked(
    admin_client, draft, ada, alice, bob, charlie
):
    item = draft_item("Reciprocity")
    services.item_edit(item=item, actor=ada, kind="value", title="Reciprocity", text="We give as well as take.")

    response = admin_client.get(PUBLISH_3)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Publish version 3?" in html
    # The current version is named by its label, "October 2023", not by its number.
    assert "Once published, this version can never be changed. October 2023 will be superseded." in html
    assert "2 partners will be asked to sign it." in html
    assert "What changes from October 2023" in html
    assert "give as well as take" in html
    assert "Listening and responding" not in html  # unchanged entries are left out
    assert version(3).status == "draft"  # looking is not publishing


def test_the_administrator_publishes_the_draft(
    admin_client, draft, ada, alice, bob, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(PUBLISH_3)

    assert response.status_code == 302 and response["Location"] == PREVIEW_3
    v2, v3 = version(2), version(3)
    assert (v3.status, v3.published_by) == ("published", ada)
    assert (v2.status, v2.ended_at) == ("superseded", v3.published_at)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bob@example.org"]
    page = admin_client.get(PREVIEW_3).content.decode()
    assert "Version 3 is published. Partners are being asked to sign it." in page
    # Nothing to publish any more.
    assert admin_client.get(PUBLISH_3).status_code == 404


def test_publishing_an_empty_draft_is_refused_with_a_message(admin_client, draft):
    Item.objects.filter(section__version=draft).delete()
    response = admin_client.post(PUBLISH_3, follow=True)
    assert response.redirect_chain[-1][0] == EDIT_3
    assert "A version with no items cannot be published." in response.content.decode()
    assert version(3).status == "draft" and version(2).status == "published"


# --- Only administrators ----------------------------------------------------------------------


def manage_urls(draft) -> list[tuple[str, str]]:
    section = draft.sections.order_by("position").first()
    item = draft_item("Reciprocity")
    return [
        ("get", MANAGE),
        ("post", START),
        ("get", EDIT_3),
        ("post", EDIT_3),
        ("get", PUBLISH_3),
        ("post", PUBLISH_3),
        ("get", f"/manage/sections/{section.pk}/items/new/"),
        ("post", f"/manage/sections/{section.pk}/items/new/"),
        ("get", f"/manage/items/{item.pk}/edit/"),
        ("post", f"/manage/items/{item.pk}/edit/"),
        ("get", f"/manage/items/{item.pk}/remove/"),
        ("post", f"/manage/items/{item.pk}/remove/"),
        ("post", f"/manage/items/{item.pk}/move/"),
    ]


@pytest.mark.parametrize("who", ["alice", "priya"])
def test_only_administrators_can_manage_codes(client, draft, alice, priya, who):
    user = {"alice": alice.user, "priya": priya}[who]
    client.force_login(user)
    before = list(Item.objects.filter(section__version=draft).values_list("pk", "position", "text"))
    for method, url in manage_urls(draft):
        response = getattr(client, method)(
            url, {"direction": "up", "kind": "value", "text": "x"} if method == "post" else None
        )
        assert response.status_code == 403, f"{who} {method.upper()} {url} gave {response.status_code}"
    assert list(Item.objects.filter(section__version=draft).values_list("pk", "position", "text")) == before
    assert version(3).status == "draft"


def test_anonymous_visitors_are_sent_to_log_in_to_manage_codes(client, draft):
    for method, url in manage_urls(draft):
        response = getattr(client, method)(url)
        assert response.status_code == 302, f"{method.upper()} {url}"
        assert response["Location"].startswith("/accounts/login/?next=")


# --- The Django admin ---------------------------------------------------------------------------


def test_the_admin_shows_a_published_version_read_only(admin_client, seed_codes):
    v2 = version(2)
    url = f"/admin/conduct/codeversion/{v2.pk}/change/"

    response = admin_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The Health Creation Alliance Code of Conduct" in html
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert 'name="title"' not in html  # shown, not editable

    posted = admin_client.post(url, {"title": "Rewritten", "light_touch_review_months": 12, "full_review_months": 36})
    assert posted.status_code == 403
    assert version(2).title == "The Health Creation Alliance Code of Conduct"


def test_the_admin_shows_the_sections_of_a_published_version_read_only(admin_client, seed_codes):
    section = version(2).sections.order_by("position").first()
    url = f"/admin/conduct/section/{section.pk}/change/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert admin_client.post(url, {"position": 1, "heading": "Rewritten"}).status_code == 403
    assert Section.objects.get(pk=section.pk).heading == "We model our values"


def test_the_admin_lists_versions(admin_client, seed_codes):
    response = admin_client.get("/admin/conduct/codeversion/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "New NHS Alliance Code of Conduct" in html and "Code of Conduct for NHS Managers" in html
    assert admin_client.get("/admin/conduct/codeversion/", {"status__exact": "superseded"}).status_code == 200


def test_the_admin_saves_the_details_of_a_draft(admin_client, draft, ada):
    url = f"/admin/conduct/codeversion/{draft.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()
    sections = list(draft.sections.order_by("position"))
    data = details(draft, title="Renamed in the admin", _save="Save")
    data.update(
        {
            "sections-TOTAL_FORMS": len(sections),
            "sections-INITIAL_FORMS": len(sections),
            "sections-MIN_NUM_FORMS": 0,
            "sections-MAX_NUM_FORMS": 1000,
        }
    )
    for index, section in enumerate(sections):
        data.update(
            {
                f"sections-{index}-id": section.pk,
                f"sections-{index}-version": draft.pk,
                f"sections-{index}-position": section.position,
                f"sections-{index}-heading": section.heading,
            }
        )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert version(3).title == "Renamed in the admin"
    entry = AuditEntry.objects.filter(action="version.draft_edited", subject_id=str(draft.pk)).get()
    assert entry.actor == ada and "admin" in entry.summary
