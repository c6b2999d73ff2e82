"""What changed between two versions of a code, entry by entry and word by word."""

import re

import pytest

from conduct import services
from conduct.models import Code, CodeVersion, Item
from conduct.selectors import with_content
from conduct.version_diff import WordSegment, versions_diff, word_diff

HCA = "health-creation-alliance"
CHANGES_URL = "/codes/health-creation-alliance/changes/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_pair(seed_codes):
    v1, v2 = with_content(CodeVersion.objects.filter(code__slug=HCA).order_by("number"))
    return v1, v2


@pytest.fixture
def changes(seed_pair):
    return versions_diff(*seed_pair)


def find(changes, *, kind=None, starts=None, title=None):
    matches = [
        c
        for c in changes
        if (kind is None or c.kind == kind)
        and (title is None or (c.new or c.old).title == title)
        and (starts is None or (c.new or c.old).text.startswith(starts))
    ]
    assert len(matches) == 1, f"expected one entry, found {len(matches)}"
    return matches[0]


def segments(change, op) -> list[str]:
    return [w.text for w in change.words if w.op == op]


def test_reciprocity_is_a_value_added_in_version_2(changes):
    reciprocity = find(changes, title="Reciprocity")
    assert (reciprocity.change, reciprocity.kind, reciprocity.old) == ("added", "value", None)
    assert reciprocity.new.text.startswith("We seek to build respectful, healthy and health creating relationships")


def test_the_values_introduction_changes_from_five_to_six_features(changes):
    intro = find(changes, kind="text", starts="The values we seek to live")
    assert intro.change == "changed"
    assert "five" in segments(intro, "removed")
    assert "six" in segments(intro, "added")
    assert "relationships and" in "".join(segments(intro, "added"))


def test_the_preamble_change_of_name_is_one_changed_entry(changes):
    preamble = find(changes, kind="preamble")
    assert preamble.change == "changed"
    assert preamble.old.text.startswith("In the New NHS Alliance we model")
    assert preamble.new.text.startswith("The Health Creation Alliance models")
    assert "New NHS" in segments(preamble, "removed")
    assert "Creation" in segments(preamble, "added")


def test_lived_experience_from_the_health_becomes_of_health(changes):
    behaviour = find(changes, kind="behaviour", starts="We value and celebrate diversity")
    assert behaviour.change == "changed"
    assert segments(behaviour, "removed") == ["from the"]
    assert segments(behaviour, "added") == ["of"]
    assert behaviour.old.text.endswith("lived experience from the health and care systems")
    assert behaviour.new.text.endswith("lived experience of health and care systems")


def test_listening_and_responding_is_unchanged(changes):
    listening = find(changes, title="Listening and responding")
    assert listening.change == "unchanged" and listening.words == []
    assert listening.old == listening.new


def test_the_seed_pair_has_one_addition_no_removal_and_the_rest_in_order(changes, seed_pair):
    kinds = [c.change for c in changes]
    assert kinds.count("added") == 1 and kinds.count("removed") == 0
    # Every entry of each version appears once, in its own order.
    assert [c.new.text for c in changes if c.new] == [e.text for e in _entries(seed_pair[1])]
    assert [c.old.text for c in changes if c.old] == [e.text for e in _entries(seed_pair[0])]


def _entries(version):
    from conduct.version_diff import version_entries

    return version_entries(version)


def test_a_version_compared_with_itself_is_all_unchanged(seed_pair):
    _, v2 = seed_pair
    assert {c.change for c in versions_diff(v2, v2)} == {"unchanged"}


def test_an_item_removed_in_a_draft_shows_as_removed(seed_pair, ada):
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    services.item_remove(item=Item.objects.get(section__version=draft, title="Truth-telling"), actor=ada)
    draft = with_content(CodeVersion.objects.filter(pk=draft.pk)).get()
    differences = [
        (c.change, c.kind, c.old.title) for c in versions_diff(seed_pair[1], draft) if c.change != "unchanged"
    ]
    # A new draft starts without the label of the version it was copied from.
    assert differences == [("removed", "label", ""), ("removed", "value", "Truth-telling")]


# --- word_diff -------------------------------------------------------------------------------


def test_word_diff_marks_a_replaced_word():
    assert word_diff("the five features", "the six features") == [
        WordSegment("equal", "the "),
        WordSegment("removed", "five"),
        WordSegment("added", "six"),
        WordSegment("equal", " features"),
    ]


def test_word_diff_of_identical_texts_is_one_equal_segment():
    assert word_diff("Holders of public office", "Holders of public office") == [
        WordSegment("equal", "Holders of public office")
    ]


def test_word_diff_of_an_insertion_only_adds():
    result = word_diff("health creating practices", "health creating relationships and practices")
    assert [s.op for s in result if s.op != "equal"] == ["added"]
    assert "relationships" in "".join(s.text for s in result if s.op == "added")


def test_word_diff_from_nothing_is_all_added():
    assert word_diff("", "New text") == [WordSegment("added", "New text")]


@pytest.mark.parametrize(
    "old, new",
    [
        (
            "the five features of health creating practices:",
            "the six features of health creating relationships and practices:",
        ),
        ("lived experience from the health and care systems", "lived experience of health and care systems"),
        ("one  two\nthree", "one two three four"),
        ("Something", ""),
    ],
)
def test_word_diff_rebuilds_both_texts_exactly(old, new):
    result = word_diff(old, new)
    assert "".join(s.text for s in result if s.op != "added") == old
    assert "".join(s.text for s in result if s.op != "removed") == new


# --- The changes page ---------------------------------------------------------------------------


def inside(tag: str, word: str, html: str) -> bool:
    """Whether `word` appears inside a <tag …>…</tag> element."""
    return (
        re.search(rf"<{tag}\b[^>]*>(?:(?!</{tag}>).)*\b{re.escape(word)}\b(?:(?!</{tag}>).)*</{tag}>", html, re.S)
        is not None
    )


def test_anyone_can_see_what_changed_from_version_1_to_2(client, seed_codes):
    response = client.get(CHANGES_URL, {"from": 1, "to": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert "From Draft October 2020 to October 2023" in html
    assert inside("ins", "Reciprocity", html)
    assert inside("del", "five", html)
    assert inside("ins", "six", html)
    assert not inside("del", "six", html) and not inside("ins", "five", html)
    assert response.context["counts"] == {"added": 1, "removed": 0, "changed": 7, "unchanged": 21}


def test_the_changes_page_shows_versions_in_order_whichever_way_they_are_asked_for(client, seed_codes):
    response = client.get(CHANGES_URL, {"from": 2, "to": 1})
    assert response.status_code == 200
    assert "From Draft October 2020 to October 2023" in response.content.decode()
    assert inside("ins", "Reciprocity", response.content.decode())


def test_the_changes_page_compares_the_latest_two_versions_by_default(client, seed_codes):
    response = client.get(CHANGES_URL)
    assert response.status_code == 200
    assert (response.context["old_version"].number, response.context["new_version"].number) == (1, 2)


def test_comparing_a_version_with_itself_is_a_form_error(client, seed_codes):
    response = client.get(CHANGES_URL, {"from": 2, "to": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose two different versions to compare" in html
    assert response.context["changes"] is None


def test_a_draft_cannot_be_compared_by_anonymous_users(client, seed_codes, ada):
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    item = Item.objects.get(section__version=draft, title="Reciprocity")
    services.item_edit(item=item, actor=ada, kind="value", title="Reciprocity", text="A secret unpublished rewording.")

    response = client.get(CHANGES_URL, {"from": 2, "to": draft.number})

    assert response.status_code in (200, 404)
    html = response.content.decode()
    assert "secret unpublished rewording" not in html
    if response.status_code == 200:
        assert response.context["changes"] is None
        offered = [number for number, _ in response.context["form"].fields["to_number"].choices]
        assert draft.number not in offered
        assert "There is a problem" in html


def test_an_administrator_can_compare_a_draft_with_the_published_version(client, seed_codes, ada):
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    item = Item.objects.get(section__version=draft, title="Reciprocity")
    services.item_edit(item=item, actor=ada, kind="value", title="Reciprocity", text="A secret unpublished rewording.")
    client.force_login(ada)

    response = client.get(CHANGES_URL, {"from": 2, "to": draft.number})

    assert response.status_code == 200
    assert inside("ins", "unpublished", response.content.decode())


def test_a_code_with_one_version_has_nothing_to_compare(client, seed_codes):
    response = client.get("/codes/c4pc-shared-code/changes/", follow=True)
    assert response.redirect_chain[-1][0] == "/codes/c4pc-shared-code/versions/1/"
    assert "only one version, so there is nothing to compare" in response.content.decode()
