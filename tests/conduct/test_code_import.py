"""Codes from their own documents: the importer proposes the structure a person would,
the command makes a draft of it, and bad documents are refused with nothing saved."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from conduct import services
from conduct.canonical_text import version_canonical_text
from conduct.code_import import DocumentError, document_text, read_code
from conduct.models import AuditEntry, Code, CodeVersion, Item, Partnership
from conduct.selectors import with_content

from .code_documents import ROMAN, TWO_LEVEL, numbered_docx, outline_numbered_docx

FIXTURE = json.loads((Path(settings.BASE_DIR) / "fixtures" / "codes.json").read_text(encoding="utf-8"))
SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
SEED_VERSIONS = [(code, version) for code in FIXTURE["codes"] for version in code["versions"]]


def outline_of_fixture(version: dict) -> list[tuple]:
    """(section, depth, number, title, text) of each item; the fixture keeps a clause's number as its title."""
    rows = []
    for section in version["sections"]:
        for item in section["items"]:
            for depth, entry in [(0, item), *[(1, child) for child in item.get("children", [])]]:
                rows.append((section["heading"], depth, entry.get("title", ""), entry["text"]))
    return rows


def kinds_of_fixture(version: dict) -> list[tuple]:
    return [
        (entry["kind"], entry.get("topic", ""), entry.get("principle", ""))
        for section in version["sections"]
        for item in section["items"]
        for entry in [item, *item.get("children", [])]
    ]


def outline(proposal) -> list[tuple]:
    return [
        (section.heading, 1 if parent else 0, item.title or item.number, item.text)
        for section, item, parent in proposal.items()
    ]


def kinds(proposal) -> list[tuple]:
    return [(item.kind, item.topic, item.principle) for _section, item, _parent in proposal.items()]


@pytest.mark.parametrize(
    ("code", "version"), SEED_VERSIONS, ids=[version["source"] for _code, version in SEED_VERSIONS]
)
def test_each_seed_document_reproduces_the_hand_checked_fixture(code, version):
    proposal = read_code((SEEDS / version["source"]).read_text(encoding="utf-8"))

    assert proposal.title == version["title"]
    assert proposal.label == version["label"]
    assert proposal.preamble == version["preamble"]
    assert proposal.version_date == (
        datetime.date.fromisoformat(version["version_date"]) if version["version_date"] else None
    )
    assert proposal.last_full_review_on == (
        datetime.date.fromisoformat(version["last_full_review_on"]) if version["last_full_review_on"] else None
    )
    assert (proposal.light_touch_review_months, proposal.full_review_months) == (
        version["light_touch_review_months"],
        version["full_review_months"],
    )
    assert [s.heading for s in proposal.sections] == [s["heading"] for s in version["sections"]]
    # The same items in the same order, nesting and words.
    assert outline(proposal) == outline_of_fixture(version)
    assert proposal.unplaced == []
    # Where the kind is a judgement the fixture made differently, at most one item in ten.
    differing = [
        (text, got, expected)
        for (_s, _d, _t, text), got, expected in zip(
            outline(proposal), kinds(proposal), kinds_of_fixture(version), strict=True
        )
        if got != expected
    ]
    assert len(differing) <= len(kinds(proposal)) / 10, differing


def test_two_level_clauses_keep_their_numbers_and_sub_points_nest_under_their_clause():
    proposal = read_code(TWO_LEVEL)

    assert proposal.title == "Riverside Members' Code of Conduct"
    assert proposal.label == "Version 2, March 2025"
    assert proposal.version_date == datetime.date(2025, 3, 1)
    assert (proposal.light_touch_review_months, proposal.full_review_months) == (12, 24)
    assert [s.heading for s in proposal.sections] == [
        "1. Purpose",
        "2. Gifts and hospitality",
        "3. Principles",
        "4. Conflicts of interest",
    ]
    conflicts = proposal.sections[3]
    assert [item.number for item in conflicts.items] == ["4.1", "4.2", "4.3", "4.4"]
    clause = conflicts.items[1]
    assert [child.number for child in clause.children] == ["(a)", "(b)"]
    assert clause.children[0].text == "A member with a financial interest will not take part in the discussion; and"
    assert {item.kind for item in conflicts.items} == {"rule"}
    assert {item.topic for item in conflicts.items} == {"conflicts"}
    gifts = proposal.sections[1].items
    assert [(item.number, item.kind) for item in gifts] == [("2.1", "prohibition"), ("2.2", "commitment")]


def test_a_numbered_heading_straight_above_its_list_is_a_heading_and_the_prose_above_it_the_preamble():
    proposal = read_code(
        "Westbrook Code of Conduct\n\nThis code applies to every member of the partnership.\n\n"
        "1. Our values\n\n- **Kindness** – we treat everyone with warmth.\n- **Courage** – we speak up.\n\n"
        "2. Our commitments\n\n2.1 Members will prepare for meetings by:\n"
        "(a) reading the papers\n(b) arriving on time\n"
    )

    assert proposal.preamble == "This code applies to every member of the partnership."
    values, commitments = proposal.sections
    assert values.heading == "1. Our values"
    assert [(item.kind, item.title) for item in values.items] == [("value", "Kindness"), ("value", "Courage")]
    assert commitments.heading == "2. Our commitments"
    assert [child.number for child in commitments.items[0].children] == ["(a)", "(b)"]


def test_a_short_name_straight_above_its_bullets_is_a_heading_and_a_sentence_begun_there_is_not():
    proposal = read_code(
        "Hillside Code of Conduct\n\nThis code applies to all partners.\n\n"
        "Our values\n\n- **Kindness** – we treat everyone with warmth.\n\n"
        "Members will\n\n- listen to one another;\n- share what they learn.\n"
    )

    assert proposal.preamble == "This code applies to all partners."
    assert [section.heading for section in proposal.sections] == ["Our values"]
    assert [(item.kind, item.title or item.text) for item in proposal.sections[0].items] == [
        ("value", "Kindness"),
        ("text", "Members will"),
        ("commitment", "listen to one another;"),
        ("commitment", "share what they learn."),
    ]


def test_principles_named_without_wording_link_to_the_catalogue_with_no_words_of_their_own():
    principles = read_code(TWO_LEVEL).sections[2].items

    assert [(item.kind, item.principle, item.title, item.text) for item in principles] == [
        ("principle", "selflessness", "", ""),
        ("principle", "integrity", "", ""),
        ("principle", "honesty", "", ""),
    ]


def test_a_principle_named_alone_does_not_take_the_next_principle_as_its_wording():
    proposal = read_code(
        "Principles\n\nSelflessness\n"
        "Openness: Holders of public office should act and take decisions in an open and transparent manner.\n"
        "Honesty – Holders of public office should be truthful.\n"
    )

    assert [(item.kind, item.principle, item.title, item.text) for item in proposal.sections[0].items] == [
        ("principle", "selflessness", "", ""),
        (
            "principle",
            "openness",
            "Openness",
            "Holders of public office should act and take decisions in an open and transparent manner.",
        ),
        ("principle", "honesty", "Honesty", "Holders of public office should be truthful."),
    ]


def test_roman_numeral_sub_points_nest_under_their_clause():
    proposal = read_code(ROMAN)

    assert proposal.title == "Standards for Board Members of the Eastgate Primary Care Network"
    assert proposal.version_date == datetime.date(2024, 4, 1)
    assert proposal.full_review_months == 36
    duties, concerns = proposal.sections
    assert [(item.number, [child.number for child in item.children]) for item in duties.items] == [
        ("1", ["(i)", "(ii)", "(iii)"]),
        ("2", []),
    ]
    assert duties.items[0].children[1].text == "respect the confidentiality of papers marked confidential;"
    assert (duties.items[1].kind, concerns.items[0].kind, concerns.items[0].topic) == ("prohibition", "rule", "breach")
    assert [child.number for child in concerns.items[0].children] == ["(i)", "(ii)"]


def test_sub_points_of_a_third_level_clause_go_under_that_clause_not_its_parent():
    proposal = read_code(
        "Deepdale Code of Conduct\n\n4. Conflicts of interest\n\n"
        "4.1 Members must declare any interest.\n"
        "4.2 Members with an interest:\n"
        "4.2.1 Financial interests:\n(a) will not take part in the discussion; and\n(b) will leave the room.\n"
        "4.2.2 Other interests:\n(a) will say so at the start of the item; and\n(b) may stay if the chair agrees.\n"
        "4.3 The chair decides.\n"
    )

    # Items nest one level: a third-level clause with sub-points of its own stands after its parent.
    assert [(item.number, [child.number for child in item.children]) for item in proposal.sections[0].items] == [
        ("4.1", []),
        ("4.2", []),
        ("4.2.1", ["(a)", "(b)"]),
        ("4.2.2", ["(a)", "(b)"]),
        ("4.3", []),
    ]
    assert proposal.sections[0].items[3].children[0].text == "will say so at the start of the item; and"


def test_a_markdown_list_numbered_again_under_a_clause_is_its_sub_points():
    proposal = read_code(
        "# Hillside Code of Conduct\n\n## Confidentiality\n\n"
        "1. Partners keep confidential what is shared in confidence.\n"
        "2. Partners may share information when the law requires it:\n"
        "   1. when they do, they tell the chair;\n"
        "   2. the chair records it.\n"
        "3. Partners report any breach of confidence to the chair.\n"
    )

    # As a reader cites what Markdown shows as 1. and 2. under clause 2.
    assert [(item.number, [child.number for child in item.children]) for item in proposal.sections[0].items] == [
        ("1", []),
        ("2", ["2.1", "2.2"]),
        ("3", []),
    ]
    assert proposal.sections[0].items[1].children[1].text == "the chair records it."


def test_a_word_document_is_read_with_its_headings_and_list_numbering():
    proposal = read_code(document_text(name="Northfield code.docx", content=numbered_docx()))

    assert proposal.title == "Northfield Wellbeing Trust Code of Conduct"
    assert proposal.label == "Version 3, January 2026"
    assert proposal.preamble == "Every trustee and volunteer signs this code when they join."
    commitments, values = proposal.sections
    assert commitments.heading == "Our commitments"
    assert [(item.number, item.kind) for item in commitments.items] == [
        ("1", "commitment"),
        ("2", "rule"),
        ("3", "prohibition"),
    ]
    assert [(child.number, child.text) for child in commitments.items[1].children] == [
        ("(a)", "in writing to the chair; and"),
        ("(b)", "before the meeting at which it arises."),
    ]
    assert [(item.kind, item.title, item.text) for item in values.items] == [
        ("value", "Kindness", "We treat everyone we meet with warmth.")
    ]


def test_word_headings_numbered_by_the_list_keep_their_numbers_and_number_their_clauses():
    proposal = read_code(document_text(name="Lakeside code.docx", content=outline_numbered_docx()))

    assert [section.heading for section in proposal.sections] == ["1. Purpose", "2. Conflicts of interest"]
    purpose, conflicts = proposal.sections
    assert [item.number for item in purpose.items] == ["1.1", "1.2"]
    assert [(item.number, [child.number for child in item.children]) for item in conflicts.items] == [
        ("2.1", []),
        ("2.2", ["(a)", "(b)"]),
        ("2.3", []),
    ]


@pytest.mark.parametrize("dash", ["–", "—", "-", ":"])
def test_a_bold_lead_in_is_the_title_and_the_words_after_its_dash_the_wording(dash):
    proposal = read_code(
        f"Our values\n\n- **Kindness** {dash} we treat everyone with warmth.\n"
        f"- **Honesty {dash}** we tell the truth, even when it is uncomfortable.\n"
    )

    assert [(item.kind, item.title, item.text) for item in proposal.sections[0].items] == [
        ("value", "Kindness", "we treat everyone with warmth."),
        ("principle", "Honesty", "we tell the truth, even when it is uncomfortable."),
    ]


@pytest.mark.parametrize(
    "where",
    ["title block", "before the first heading", "at the end"],
)
def test_the_date_of_the_last_full_review_is_read_wherever_the_document_states_it(where):
    review = "Date of last full review: June 2024"
    document = {
        "title block": f"Hillside Code of Conduct\nVersion 2\n{review}\n\nThis code applies to all partners.\n\n",
        "before the first heading": f"Hillside Code of Conduct\nVersion 2\n\nThis code applies to all partners.\n\n"
        f"{review}\n\n",
        "at the end": "Hillside Code of Conduct\nVersion 2\n\nThis code applies to all partners.\n\n",
    }[where] + "## Values\n\n- **Kindness** – we treat everyone with warmth.\n"
    if where == "at the end":
        document += f"\n{review.replace('Date of last full review', 'Last reviewed')}\n"

    proposal = read_code(document)

    assert proposal.last_full_review_on == datetime.date(2024, 6, 1)
    assert (proposal.label, proposal.version_date) == ("Version 2", None)
    assert proposal.preamble == "This code applies to all partners."
    assert [(section.heading, [item.title for item in section.items]) for section in proposal.sections] == [
        ("Values", ["Kindness"])
    ]


def test_lines_it_cannot_place_are_listed_not_dropped():
    proposal = read_code(TWO_LEVEL.replace("3. Principles", "* * *\n\n3. Principles"))

    assert proposal.unplaced == [(18, "* * *")]


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n  \n"])
def test_an_empty_document_is_refused(text):
    with pytest.raises(DocumentError, match="The document is empty"):
        read_code(text)


def test_a_binary_file_named_docx_is_refused():
    with pytest.raises(DocumentError, match="not a Word document"):
        document_text(name="code.docx", content=b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)


@pytest.mark.parametrize("name", ["code.pdf", "code.doc", "code.odt", "code.rtf"])
def test_a_file_of_a_kind_it_does_not_read_is_refused_naming_the_kinds_it_does(name):
    content = b"%PDF-1.4\n1 0 obj << /Length 44 >> stream\nBT (We will be kind.) Tj ET\nendstream endobj\n"

    with pytest.raises(DocumentError, match=r"Upload a Word document \(\.docx\), Markdown or plain text file"):
        document_text(name=name, content=content)


def test_a_binary_file_named_txt_is_refused():
    with pytest.raises(DocumentError, match="not text"):
        document_text(name="code.txt", content=bytes(range(256)) * 40)


def test_a_ten_megabyte_paste_is_refused():
    with pytest.raises(DocumentError, match="longer than a million characters"):
        read_code("We will be kind.\n" * (10 * 1024 * 1024 // 17))


def test_a_document_with_no_structure_is_one_section_of_free_text():
    proposal = read_code("We try to be good neighbours.\n\nWe listen to one another and we share what we learn.\n")

    assert not proposal.has_structure
    assert len(proposal.sections) == 1
    assert [item.kind for item in proposal.sections[0].items] == ["text"]


def test_a_repeated_clause_number_is_refused_naming_it():
    with pytest.raises(DocumentError, match=r"Clause 4\.2 appears twice \(lines 27 and 30\)"):
        read_code(TWO_LEVEL.replace("4.3 The chair", "4.2 The chair"))


def test_a_skipped_clause_number_is_refused_naming_the_gap():
    with pytest.raises(DocumentError, match=r"Clause 4\.4 \(line 30\) follows clause 4\.2: clause 4\.3 is missing"):
        read_code(TWO_LEVEL.replace("4.3 The chair decides whether an interest is a conflict.\n", ""))


def test_a_skipped_sub_point_letter_is_refused():
    with pytest.raises(DocumentError, match=r"Sub-point \(c\) under clause 4\.2 .* \(b\) is missing"):
        read_code(TWO_LEVEL.replace("(b) will leave", "(c) will leave"))


# --- Making the draft -----------------------------------------------------------------------------


@pytest.fixture
def riverside_board(seed_codes):
    return Partnership.objects.create(
        name="Riverside Health Partnership Board",
        slug="riverside-board",
        kind="other",
        code=Code.objects.get(slug="c4pc-shared-code"),
    )


def draft_of(code: Code) -> CodeVersion:
    return with_content(CodeVersion.objects.filter(code=code, status=CodeVersion.Status.DRAFT)).get()


def test_the_draft_holds_the_document_in_order_with_each_sub_point_under_its_clause(riverside_board, ada):
    code = services.code_create(title="Riverside Members' Code", partnership=riverside_board, actor=ada)
    services.code_draft_import(code=code, proposal=read_code(TWO_LEVEL), actor=ada, source="pasted text")

    draft = draft_of(code)
    assert (draft.number, draft.label, draft.full_review_months) == (1, "Version 2, March 2025", 24)
    text = version_canonical_text(draft)
    assert (
        "## 4. Conflicts of interest\n"
        "- 4.1 [rule] Members must declare any interest as soon as they become aware of it.\n"
        "- 4.2 [rule] A member with a financial interest in a matter:\n"
        "    - (a) [rule] A member with a financial interest will not take part in the discussion; and\n"
        "    - (b) [rule] will leave the room for the decision.\n"
        "- 4.3 [rule]"
    ) in text
    assert "## 3. Principles\n- [principle] Selflessness\n- [principle] Integrity\n" in text
    riverside_board.refresh_from_db()
    assert riverside_board.code == code
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-3:] == ["code.created", "partnership.code_adopted", "version.draft_imported"]


def test_a_code_with_a_draft_already_gets_no_second_one_and_nothing_is_saved(riverside_board, ada):
    code = services.code_create(title="Riverside Members' Code", partnership=riverside_board, actor=ada)
    services.code_draft_import(code=code, proposal=read_code(TWO_LEVEL), actor=ada, source="pasted text")
    items = Item.objects.count()

    with pytest.raises(services.ConductError, match="already has a draft"):
        services.code_draft_import(code=code, proposal=read_code(ROMAN), actor=ada, source="pasted text")
    assert Item.objects.count() == items
    assert code.versions.count() == 1


def test_the_command_makes_a_draft_and_says_what_it_made(riverside_board, tmp_path, capsys):
    path = tmp_path / "riverside.txt"
    path.write_text(TWO_LEVEL, encoding="utf-8")

    call_command("import_code", str(path), "--partnership", "riverside-board")

    out = capsys.readouterr().out
    code = Code.objects.get(slug="riverside-members-code-of-conduct")
    assert draft_of(code).sections.count() == 4
    assert "Created code Riverside Members' Code of Conduct" in out
    assert "4 sections, 13 items: 3 commitment, 3 principle, 1 prohibition, 6 rule" in out
    assert "      (a) [rule] A member with a financial interest will not take part" in out
    assert "  3. Principles\n    [principle] Selflessness\n    [principle] Integrity\n" in out
    assert "full every 24 months (as the document states)" in out
    assert "Every line was placed." in out


def test_the_command_lists_the_lines_it_could_not_place(riverside_board, tmp_path, capsys):
    path = tmp_path / "riverside.md"
    path.write_text(TWO_LEVEL.replace("3. Principles", "* * *\n\n3. Principles"), encoding="utf-8")

    call_command("import_code", str(path), "--partnership", "riverside-board")

    out = capsys.readouterr().out
    assert "Lines it could not place (not imported):\n  line 18: * * *" in out
    assert "Every line was placed." not in out


def test_the_command_adds_a_draft_to_an_existing_code_from_a_word_document(riverside_board, tmp_path, capsys):
    path = tmp_path / "northfield.docx"
    path.write_bytes(numbered_docx())

    call_command("import_code", str(path), "--partnership", "riverside-board", "--code", "c4pc-shared-code")

    draft = draft_of(Code.objects.get(slug="c4pc-shared-code"))
    assert (draft.number, draft.title) == (2, "Northfield Wellbeing Trust Code of Conduct")
    # The document calls itself "Version 3" though it is the code's second version here.
    out = capsys.readouterr().out
    assert "Draft Version 3, January 2026: Northfield Wellbeing Trust Code of Conduct" in out
    assert "version 2" not in out.lower()


def test_the_command_refuses_a_bad_file_and_saves_nothing(riverside_board, tmp_path):
    path = tmp_path / "code.docx"
    path.write_bytes(b"not a zip at all" * 100)
    codes = Code.objects.count()

    with pytest.raises(CommandError, match="Nothing was imported: The file is not a Word document"):
        call_command("import_code", str(path), "--partnership", "riverside-board")
    assert Code.objects.count() == codes
