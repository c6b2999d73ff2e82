"""An administrator adds, renames, moves and removes the sections of a draft in the app."""

import pytest

from conduct import services
from conduct.models import AuditEntry, Code, CodeVersion, Section

HCA = "health-creation-alliance"
EDIT_3 = "/manage/codes/health-creation-alliance/versions/3/edit/"
ADD_3 = "/manage/codes/health-creation-alliance/versions/3/sections/new/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seed_codes, ada):
    return services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)


@pytest.fixture
def admin_client(client, ada):
    client.force_login(ada)
    return client


def headings(version) -> list[str]:
    return list(version.sections.order_by("position", "pk").values_list("heading", flat=True))


def positions(version) -> list[int]:
    return list(version.sections.order_by("position", "pk").values_list("position", flat=True))


def published() -> CodeVersion:
    return CodeVersion.objects.get(code__slug=HCA, number=2)


def test_the_draft_page_offers_to_manage_sections_in_the_app_not_the_admin(admin_client, draft):
    html = admin_client.get(EDIT_3).content.decode()
    first = draft.sections.order_by("position").first()
    assert "Edit sections in the admin" not in html
    assert f'href="/manage/sections/{first.pk}/rename/"' in html
    assert f'href="/manage/sections/{first.pk}/remove/"' in html
    assert f'href="{ADD_3}"' in html


def test_an_administrator_adds_a_section_at_the_end(admin_client, draft, ada):
    before = headings(draft)
    assert admin_client.get(ADD_3).status_code == 200

    response = admin_client.post(ADD_3, {"heading": "  Gifts and hospitality  ", "after": ""})

    section = Section.objects.get(version=draft, heading="Gifts and hospitality")
    assert response.status_code == 302 and response["Location"] == EDIT_3
    assert headings(draft) == [*before, "Gifts and hospitality"]
    assert positions(draft) == list(range(1, len(before) + 2))
    entry = AuditEntry.objects.get(action="section.added", subject_id=str(section.pk))
    assert entry.actor == ada and "Gifts and hospitality" in entry.summary
    assert "Gifts and hospitality" in admin_client.get(EDIT_3).content.decode()


def test_an_administrator_adds_a_section_after_a_chosen_one(admin_client, draft):
    before = headings(draft)
    first = draft.sections.order_by("position").first()

    admin_client.post(ADD_3, {"heading": "Second now", "after": first.pk})

    assert headings(draft) == [before[0], "Second now", *before[1:]]
    assert positions(draft) == list(range(1, len(before) + 2))


@pytest.mark.parametrize(
    "heading, message",
    [("", "Enter the section&#x27;s heading"), ("   ", "Enter the section&#x27;s heading"), ("x" * 301, "300")],
)
def test_a_blank_or_over_long_heading_is_refused_by_the_field(admin_client, draft, heading, message):
    before = headings(draft)
    for url in (ADD_3, f"/manage/sections/{draft.sections.order_by('position').first().pk}/rename/"):
        response = admin_client.post(url, {"heading": heading})

        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html and '<a href="#id_heading">' in html
        assert 'id="heading-error"' in html or "govuk-error-message" in html
        assert message in html
        assert html.count("<title>Error: ") == 1 and "Error: Error:" not in html
    assert headings(draft) == before
    assert not AuditEntry.objects.filter(action__startswith="section.").exists()


def test_an_administrator_renames_a_section(admin_client, draft, ada):
    section = draft.sections.order_by("position").first()
    url = f"/manage/sections/{section.pk}/rename/"
    assert 'value="We model our values"' in admin_client.get(url).content.decode()

    response = admin_client.post(url, {"heading": "Our values"})

    assert response.status_code == 302 and response["Location"] == EDIT_3
    assert Section.objects.get(pk=section.pk).heading == "Our values"
    entry = AuditEntry.objects.get(action="section.renamed", subject_id=str(section.pk))
    assert entry.actor == ada and "We model our values" in entry.summary and "Our values" in entry.summary
    # The published version keeps its heading.
    assert published().sections.order_by("position").first().heading == "We model our values"


def test_an_administrator_moves_a_section_with_its_items(admin_client, draft, ada):
    before = headings(draft)
    second = draft.sections.order_by("position")[1]
    items = list(second.items.values_list("pk", flat=True))

    response = admin_client.post(f"/manage/sections/{second.pk}/move/", {"direction": "up"})

    assert response.status_code == 302 and response["Location"] == f"{EDIT_3}#section-{second.pk}"
    assert headings(draft) == [before[1], before[0], *before[2:]]
    assert list(Section.objects.get(pk=second.pk).items.values_list("pk", flat=True)) == items
    assert AuditEntry.objects.filter(action="section.moved", subject_id=str(second.pk), actor=ada).exists()
    admin_client.post(f"/manage/sections/{second.pk}/move/", {"direction": "down"})
    assert headings(draft) == before
    # The first cannot go further up: nothing changes.
    first = draft.sections.order_by("position").first()
    admin_client.post(f"/manage/sections/{first.pk}/move/", {"direction": "up"})
    assert headings(draft) == before and positions(draft) == list(range(1, len(before) + 1))


def test_removing_a_section_says_how_many_items_go_with_it(admin_client, draft, ada):
    section = draft.sections.order_by("position").first()
    count = section.items.count()
    assert count > 1
    url = f"/manage/sections/{section.pk}/remove/"

    confirm = admin_client.get(url).content.decode()

    assert "Remove this section from the draft?" in confirm
    assert f"Its {count} items will be removed with it." in confirm
    assert Section.objects.filter(pk=section.pk).exists()

    before = headings(draft)
    response = admin_client.post(url)

    assert response.status_code == 302 and response["Location"] == EDIT_3
    assert headings(draft) == before[1:]
    assert positions(draft) == list(range(1, len(before)))
    entry = AuditEntry.objects.get(action="section.removed", subject_id=str(section.pk))
    assert entry.actor == ada and f"{count} items" in entry.summary
    # The published version keeps its section and items.
    assert published().sections.order_by("position").first().items.count() == count


def test_an_empty_section_is_removed_saying_it_holds_no_items(admin_client, draft, ada):
    section = services.section_add(version=draft, actor=ada, heading="Empty")
    assert "It holds no items." in admin_client.get(f"/manage/sections/{section.pk}/remove/").content.decode()
    admin_client.post(f"/manage/sections/{section.pk}/remove/")
    assert not Section.objects.filter(pk=section.pk).exists()


@pytest.mark.parametrize("path", ["rename", "remove", "move"])
def test_the_sections_of_a_published_version_cannot_be_managed(admin_client, seed_codes, path):
    section = published().sections.order_by("position").first()
    url = f"/manage/sections/{section.pk}/{path}/"
    response = admin_client.post(url, {"heading": "Rewritten", "direction": "down"})
    assert response.status_code == 404
    assert headings(published())[0] == "We model our values"
    assert not AuditEntry.objects.filter(action__startswith="section.").exists()


def test_sections_cannot_be_added_to_a_published_version(admin_client, seed_codes):
    before = headings(published())
    response = admin_client.post("/manage/codes/health-creation-alliance/versions/2/sections/new/", {"heading": "X"})
    assert response.status_code == 404
    assert headings(published()) == before


def test_the_services_refuse_a_published_version(seed_codes, ada):
    section = published().sections.order_by("position").first()
    for change in (
        lambda: services.section_add(version=published(), actor=ada, heading="X"),
        lambda: services.section_rename(section=section, actor=ada, heading="X"),
        lambda: services.section_move(section=section, actor=ada, up=False),
        lambda: services.section_remove(section=section, actor=ada),
    ):
        with pytest.raises(services.ConductError):
            change()
    assert headings(published())[0] == "We model our values"


@pytest.mark.parametrize("who", ["alice", "priya"])
def test_only_administrators_can_manage_sections(client, draft, alice, priya, who):
    client.force_login({"alice": alice.user, "priya": priya}[who])
    section = draft.sections.order_by("position")[1]
    before = headings(draft)
    for method, url in [
        ("get", ADD_3),
        ("post", ADD_3),
        ("get", f"/manage/sections/{section.pk}/rename/"),
        ("post", f"/manage/sections/{section.pk}/rename/"),
        ("post", f"/manage/sections/{section.pk}/move/"),
        ("get", f"/manage/sections/{section.pk}/remove/"),
        ("post", f"/manage/sections/{section.pk}/remove/"),
    ]:
        response = getattr(client, method)(url, {"heading": "X", "direction": "up"} if method == "post" else None)
        assert response.status_code == 403, f"{who} {method.upper()} {url}"
    assert headings(draft) == before


def test_the_draft_page_makes_no_more_queries_for_more_sections(admin_client, draft, ada):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(EDIT_3).status_code == 200
        return len(captured)

    few = queries()
    for number in range(5):
        section = services.section_add(version=draft, actor=ada, heading=f"Added {number}")
        services.item_add(section=section, actor=ada, kind="value", title=f"Value {number}", text="Words.")

    assert queries() == few


# --- The Django admin shows sections, never changes them ---------------------------------------


def test_the_admin_shows_a_drafts_sections_but_changes_them_only_in_the_app(admin_client, draft):
    section = draft.sections.order_by("position").first()
    url = f"/admin/conduct/section/{section.pk}/change/"

    page = admin_client.get(url).content.decode()

    assert 'name="_save"' not in page and 'name="heading"' not in page
    assert "/delete/" not in page
    assert f'href="{EDIT_3}"' in page
    assert admin_client.post(url, {"position": 9, "heading": "Rewritten"}).status_code == 403
    assert admin_client.post(f"/admin/conduct/section/{section.pk}/delete/", {"post": "yes"}).status_code == 403
    listed = admin_client.post(
        "/admin/conduct/section/", {"action": "delete_selected", "_selected_action": [section.pk], "post": "yes"}
    )
    assert listed.status_code in (200, 302)
    assert Section.objects.get(pk=section.pk).heading == "We model our values"
    assert not AuditEntry.objects.filter(action__startswith="section.").exists()


def test_the_admins_draft_page_lists_sections_without_fields_to_change_them(admin_client, draft):
    url = f"/admin/conduct/codeversion/{draft.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "We model our values" in page
    assert 'name="sections-0-heading"' not in page and 'name="sections-0-position"' not in page
    assert 'name="sections-__prefix__-heading"' not in page  # no section is added here either


def test_a_draft_deleted_in_the_admin_takes_its_sections_with_it(admin_client, draft):
    response = admin_client.post(f"/admin/conduct/codeversion/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Section.objects.filter(version_id=draft.pk).exists()
