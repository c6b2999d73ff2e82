"""The seed codes load word for word from fixtures/codes.json, checked against
the source documents in fixtures/seeds/."""

import datetime
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from conduct.canonical_text import text_sha256, version_canonical_text
from conduct.models import Code, CodeVersion, Item, Partnership, Principle, Section
from conduct.seed_codes import seed_codes_import
from conduct.selectors import with_content

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"

# (code slug, version number) -> source document
SOURCES = {
    ("health-creation-alliance", 1): "new-nhs-alliance-2020-draft.txt",
    ("health-creation-alliance", 2): "health-creation-alliance-2023.txt",
    ("c4pc-shared-code", 1): "c4pc-shared-code.txt",
    ("nhs-managers-code", 1): "nhs-managers-code.txt",
    ("amber-valley-partnership-protocol", 1): "amber-valley-partnership-protocol.txt",
}

# Counted by hand in the documents: items of each kind (sub-points included).
EXPECTED_KINDS = {
    # 3 intro lines + "Great conduct…", "We underpin…", "…light-tough review…"
    ("health-creation-alliance", 1): {"text": 6, "value": 5, "principle": 7, "behaviour": 3},
    ("health-creation-alliance", 2): {"text": 6, "value": 6, "principle": 7, "behaviour": 3},
    # "Partners are committed to:", "Partners will not:", the two Seven Principles intro paragraphs;
    # rules: non-discrimination 1, conflicts 1, confidentiality 3, breach 2
    ("c4pc-shared-code", 1): {"text": 4, "commitment": 6, "prohibition": 2, "rule": 7, "principle": 7},
    # duties 1-8 and their 3+5+6+4+3+0+3+0 sub-points
    ("nhs-managers-code", 1): {"text": 2, "commitment": 5, "rule": 32},
    # six sections: a value and "We will:", then 7+4+3+8+10+5 commitments
    ("amber-valley-partnership-protocol", 1): {"value": 6, "text": 6, "commitment": 37},
}

EXPECTED_TOPICS = {
    ("c4pc-shared-code", 1): {"non_discrimination": 1, "conflicts": 1, "confidentiality": 3, "breach": 2},
    ("nhs-managers-code", 1): {"duties": 27, "breach": 1, "rights": 4},
}

EXPECTED_HEADINGS = {
    ("health-creation-alliance", 1): [
        "We model our values",
        "We model the principles of public life in how we work as an organisation",
        "We model behaviours we like to see in all of us",
    ],
    ("health-creation-alliance", 2): [
        "We model our values",
        "We model the principles of public life in how we work as an organisation",
        "We model behaviours we like to see in all of us",
    ],
    ("c4pc-shared-code", 1): [
        "General principles",
        "Non-Discrimination",
        "Conflicts of interests",
        "Confidentiality",
        "Breach of our Code",
        "The Seven Principles of Public Life",
    ],
    ("nhs-managers-code", 1): [""],
    ("amber-valley-partnership-protocol", 1): [
        "Achieve intended outcomes",
        "Public interest",
        "Building partners' capacity",
        "Value & respect each other",
        "Act ethically",
        "Aligning strategies & networks",
    ],
}

# What the items, headings and preamble leave of each document: its title and
# dates (held on the version), bullet markers, numbers and title punctuation.
EXPECTED_LEFTOVER = {
    (
        "health-creation-alliance",
        1,
    ): "New NHS Alliance Code of Conduct Draft October 2020 Date of last full review: October 2020.",
    (
        "health-creation-alliance",
        2,
    ): "The Health Creation Alliance Code of Conduct October 2023 Date of last full review: October 2023.",
    ("c4pc-shared-code", 1): "A Shared Code of Conduct for Coalition Partners",
    ("nhs-managers-code", 1): "Code of Conduct for NHS Managers",
    ("amber-valley-partnership-protocol", 1): "Amber Valley Borough Council Partnership Behaviour Protocol",
}


def undecorated(text: str) -> str:
    """A seed document without markdown decoration, whitespace normalised."""
    text = re.sub(r"^#+ ", "", text, flags=re.M)
    text = text.replace("**", "")
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text)
    return normalised(text)


def normalised(text: str) -> str:
    return " ".join(text.split())


def seed_text(key) -> str:
    return undecorated((SEEDS / SOURCES[key]).read_text(encoding="utf-8"))


def version_of(code_slug: str, number: int) -> CodeVersion:
    return with_content(CodeVersion.objects.filter(code__slug=code_slug, number=number)).get()


def items_of(code_slug: str, number: int) -> list[Item]:
    return list(
        Item.objects.filter(section__version__code__slug=code_slug, section__version__number=number)
        .select_related("section", "principle", "parent")
        .order_by("section__position", "position")
    )


@pytest.fixture
def seeded(db):
    return seed_codes_import()


@pytest.mark.django_db
def test_import_creates_everything(seeded):
    assert seeded == {
        "principles": 7,
        "codes": 4,
        "partnerships": 4,
        "versions": 5,
        "sections": 3 + 3 + 6 + 1 + 6,
        "items": sum(sum(kinds.values()) for kinds in EXPECTED_KINDS.values()),
    }
    assert list(Principle.objects.values_list("name", "slug", "position")) == [
        ("Selflessness", "selflessness", 1),
        ("Integrity", "integrity", 2),
        ("Objectivity", "objectivity", 3),
        ("Accountability", "accountability", 4),
        ("Openness", "openness", 5),
        ("Honesty", "honesty", 6),
        ("Leadership", "leadership", 7),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(EXPECTED_KINDS), ids=lambda k: f"{k[0]}-v{k[1]}")
def test_item_kinds_match_hand_counts(seeded, key):
    items = items_of(*key)
    assert dict(Counter(item.kind for item in items)) == EXPECTED_KINDS[key]
    topics = Counter(item.topic for item in items if item.kind == Item.Kind.RULE)
    assert dict(topics) == EXPECTED_TOPICS.get(key, {})
    assert all(item.topic == "" for item in items if item.kind != Item.Kind.RULE)
    assert all((item.principle_id is not None) == (item.kind == Item.Kind.PRINCIPLE) for item in items)


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(SOURCES), ids=lambda k: f"{k[0]}-v{k[1]}")
def test_every_text_is_word_for_word_in_document_order(seeded, key):
    """Walk the document: the preamble, each heading, each item's title and text
    must be found, verbatim, after the previous one; what is left over is only
    the document's title and dates and the list markers."""
    document = seed_text(key)
    version = version_of(*key)
    pieces = [normalised(version.preamble)] if version.preamble else []
    for section in version.sections.all():
        if section.heading:
            pieces.append(section.heading)
        for item in section.items.all():
            if item.title:
                pieces.append(item.title)
            pieces.append(normalised(item.text))
            assert item.text == item.text.strip()
    leftover, cursor = [], 0
    for piece in pieces:
        found = document.find(piece, cursor)
        assert found >= 0, f"not found verbatim after position {cursor}: {piece!r}"
        leftover.append(document[cursor:found])
        cursor = found + len(piece)
    leftover.append(document[cursor:])
    words = [w for w in " ".join(leftover).split() if not re.fullmatch(r"-|\d\.|[.:]", w)]
    assert " ".join(words) == EXPECTED_LEFTOVER[key]


@pytest.mark.django_db
def test_sample_texts_verbatim(seeded):
    c4pc = {item.text: item for item in items_of("c4pc-shared-code", 1)}
    conflicts = Item.objects.get(section__version__code__slug="c4pc-shared-code", topic="conflicts")
    assert conflicts.text == (
        "Partners are asked to consider potential conflicts of interest at the earliest stage possible and "
        "declare any interest as soon as they realise it is necessary to do so. A Partner with a potential "
        "conflict of interest will not participate in any decision or perform any other service until the "
        "potential conflict is resolved."
    )
    joined = (
        "Partners are committed to principles of confidentiality. Those principles mean that they will not "
        "disclose or make any other use of confidential information to which they have access other than for "
        "a proper purpose relating to the performance of services for C4PC or as required by law."
    )
    assert c4pc[joined].topic == "confidentiality"

    reciprocity = Item.objects.get(section__version__code__slug="health-creation-alliance", title="Reciprocity")
    assert reciprocity.kind == "value"
    assert reciprocity.text == (
        "We seek to build respectful, healthy and health creating relationships where people can both get what "
        "they need and have the opportunity to give back in ways that suit them. We seek to understand and "
        "optimise the value of THCA’s activity to our members, clients, partners and acknowledge the value of "
        "their contributions to the impact of THCA."
    )
    power = Item.objects.get(
        section__version__number=2, section__version__code__slug="health-creation-alliance", title="Power-shifting"
    )
    assert "encourage others to do so – by building confidence" in power.text

    duty6 = Item.objects.get(section__version__code__slug="nhs-managers-code", title="6")
    assert (duty6.kind, duty6.topic) == ("rule", "breach")
    assert duty6.text == (
        "Breaches of the Code of Conduct should be investigated fairly. When things go wrong it is right that "
        "individuals must be held to account for their actions - in particular if there is evidence of gross "
        "negligence, recklessness or criminal behaviour. However in some cases the causes of serious failure "
        "stretch far beyond the actions of the individuals immediately involved. Activity to learn from and "
        "prevent breaches of the Code needs to address their wider causes."
    )
    duty5 = Item.objects.get(section__version__code__slug="nhs-managers-code", title="5")
    assert "co-operating (e working together) with" in duty5.text

    review = "We will undertake a light-tough review annually and a full review every 3 years."
    for number in (1, 2):
        texts = [item.text for item in items_of("health-creation-alliance", number)]
        assert texts[-1] == review
        assert not any(text.startswith("Date of last full review") for text in texts)

    amber = items_of("amber-valley-partnership-protocol", 1)
    assert (amber[0].section.heading, amber[0].kind, amber[0].text) == (
        "Achieve intended outcomes",
        "value",
        "Our priorities are evidence based and our decision making is transparent.",
    )
    assert (amber[1].kind, amber[1].text) == ("text", "We will:")


@pytest.mark.django_db
def test_order_preserved(seeded):
    values = [i.title for i in items_of("health-creation-alliance", 2) if i.kind == "value"]
    assert values == [
        "Listening and responding",
        "Truth-telling",
        "Strengths-focus",
        "Self-organising",
        "Reciprocity",
        "Power-shifting",
    ]
    values_2020 = [i.title for i in items_of("health-creation-alliance", 1) if i.kind == "value"]
    assert values_2020 == [
        "Listening and responding",
        "Truth-telling",
        "Strengths-focus",
        "Self-organising",
        "Power-shifting",
    ]
    for key in SOURCES:
        version = version_of(*key)
        assert [s.heading for s in version.sections.all()] == EXPECTED_HEADINGS[key]
        assert [s.position for s in version.sections.all()] == list(range(1, len(EXPECTED_HEADINGS[key]) + 1))
        principles = [i.principle.position for i in items_of(*key) if i.kind == "principle"]
        assert principles in ([], [1, 2, 3, 4, 5, 6, 7])
        for section in version.sections.all():
            items = list(section.items.all())
            assert [i.position for i in items] == list(range(1, len(items) + 1))
            for before, item in pairwise(items):
                if item.parent_id:  # a sub-point follows its parent or a sibling
                    assert item.parent_id in (before.pk, before.parent_id)


@pytest.mark.django_db
def test_versions_dates_and_titles(seeded):
    thca = Code.objects.get(slug="health-creation-alliance")
    assert (thca.title, thca.owner) == ("The Health Creation Alliance Code of Conduct", "The Health Creation Alliance")
    v1, v2 = thca.versions.order_by("number")
    assert (v1.number, v1.status, v1.title, v1.label) == (
        1,
        "superseded",
        "New NHS Alliance Code of Conduct",
        "Draft October 2020",
    )
    assert (v2.number, v2.status, v2.title, v2.label) == (
        2,
        "published",
        "The Health Creation Alliance Code of Conduct",
        "October 2023",
    )
    assert v1.version_date == v1.last_full_review_on == datetime.date(2020, 10, 1)
    assert v2.version_date == v2.last_full_review_on == datetime.date(2023, 10, 1)
    assert timezone.localtime(v1.published_at).date() == datetime.date(2020, 10, 1)
    assert timezone.localtime(v2.published_at).date() == datetime.date(2023, 10, 1)
    assert v1.ended_at == v2.published_at
    assert v2.ended_at is None
    assert v2.created_from_id == v1.pk
    assert (v1.light_touch_review_months, v1.full_review_months) == (12, 36)
    assert v1.preamble.startswith("In the New NHS Alliance we model the best of health creation")
    assert v2.preamble == (
        "The Health Creation Alliance models the best of health creation by treating everyone with respect "
        "and making everything we do a welcoming and safe place to be."
    )

    expected = {
        "c4pc-shared-code": ("A Shared Code of Conduct for Coalition Partners", "Coalition for Personalised Care"),
        "nhs-managers-code": ("Code of Conduct for NHS Managers", "Department of Health"),
        "amber-valley-partnership-protocol": (
            "Amber Valley Borough Council Partnership Behaviour Protocol",
            "Amber Valley Borough Council",
        ),
    }
    for slug, (title, owner) in expected.items():
        code = Code.objects.get(slug=slug)
        assert (code.title, code.owner) == (title, owner)
        (version,) = code.versions.all()
        assert (version.number, version.status, version.title, version.label) == (1, "published", title, "")
        assert version.version_date is None and version.last_full_review_on is None
        assert version.published_at is not None and version.ended_at is None

    c4pc = CodeVersion.objects.get(code__slug="c4pc-shared-code")
    assert c4pc.preamble == (
        "The Coalition for Personalised Care (C4PC) is committed to openness and honesty in all proceedings. "
        "We recognise that high standards of conduct and personal integrity are essential to maintaining public "
        "confidence in the Partnership.\n\n"
        "C4PC and its Partners have agreed to a simple Code of Conduct to help support our shared commitment "
        "to high standards of conduct."
    )
    assert CodeVersion.objects.get(code__slug="nhs-managers-code").preamble == ""
    first = items_of("nhs-managers-code", 1)[0]
    assert (first.kind, first.text) == ("text", "As an NHS manager you must")


@pytest.mark.django_db
def test_canonical_hash_stored(seeded):
    for key in SOURCES:
        version = version_of(*key)
        assert version.canonical_sha256 == text_sha256(version_canonical_text(version))
    assert CodeVersion.objects.filter(status="draft").count() == 0


@pytest.mark.django_db
def test_partnerships_adopt_their_codes(seeded):
    assert sorted(Partnership.objects.values_list("name", "kind", "code__slug")) == [
        ("Amber Valley Partnership", "council_partnership", "amber-valley-partnership-protocol"),
        ("Coalition for Personalised Care", "coalition", "c4pc-shared-code"),
        ("NHS Managers' Network", "nhs_body", "nhs-managers-code"),
        ("The Health Creation Alliance", "alliance", "health-creation-alliance"),
    ]


@pytest.mark.django_db
def test_principles_link_to_shared_catalogue(seeded):
    integrity = Principle.objects.get(slug="integrity")
    linked = Item.objects.filter(kind="principle", title="Integrity")
    assert linked.count() == 3  # New NHS 2020, THCA 2023, C4PC
    assert {item.principle_id for item in linked} == {integrity.pk}
    assert {item.section.version.code.slug for item in linked} == {"health-creation-alliance", "c4pc-shared-code"}
    for item in Item.objects.filter(kind="principle"):
        assert item.principle.name == item.title
    assert Principle.objects.count() == 7


@pytest.mark.django_db
def test_nhs_managers_duties_nest():
    seed_codes_import()
    duties = [i for i in items_of("nhs-managers-code", 1) if i.parent_id is None and i.kind == "rule"]
    assert [d.title for d in duties] == [str(n) for n in range(1, 9)]
    children = {d.title: list(d.children.order_by("position")) for d in duties}
    assert {title: len(kids) for title, kids in children.items()} == {
        "1": 3,
        "2": 5,
        "3": 6,
        "4": 4,
        "5": 3,
        "6": 0,
        "7": 3,
        "8": 0,
    }
    for duty in duties:
        for child in children[duty.title]:
            assert (child.kind, child.topic, child.title) == ("rule", duty.topic, "")
            assert child.section_id == duty.section_id and not child.children.exists()
    # Misindented in the source, still sub-points of their duty.
    assert children["3"][1].text.startswith("they live by high personal standards")
    assert children["4"][0].text.startswith("to the public and their representatives")
    assert children["5"][0].text.startswith("teams of front line staff")
    assert children["7"][0].text == "treated with respect."
    assert [d.topic for d in duties] == ["duties"] * 5 + ["breach", "rights", "duties"]


@pytest.mark.django_db
def test_import_twice_creates_nothing(seeded):
    def snapshot():
        return {
            model.__name__: sorted(model.objects.values_list("pk", flat=True))
            for model in (Principle, Code, Partnership, CodeVersion, Section, Item)
        }

    before = snapshot()
    hashes = dict(CodeVersion.objects.values_list("pk", "canonical_sha256"))
    assert seed_codes_import() == {
        "principles": 0,
        "codes": 0,
        "partnerships": 0,
        "versions": 0,
        "sections": 0,
        "items": 0,
    }
    assert snapshot() == before
    assert dict(CodeVersion.objects.values_list("pk", "canonical_sha256")) == hashes


@pytest.mark.django_db
def test_management_command(capsys):
    call_command("import_seed_codes")
    assert "Created 7 principles, 4 codes, 4 partnerships, 5 versions" in capsys.readouterr().out
    call_command("import_seed_codes")
    assert "already loaded" in capsys.readouterr().out
    assert CodeVersion.objects.count() == 5
