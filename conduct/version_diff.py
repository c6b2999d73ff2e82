"""What changed between two versions of a code: entries added, removed and
changed, with word-level highlights inside the changed ones."""

import difflib
import re
from dataclasses import dataclass, field

from .item_tree import items_in_tree_order
from .models import CodeVersion

# Two entries at the same place count as one changed entry (rather than one
# removed and one added) when at least this share of their words agree.
SAME_ENTRY_SIMILARITY = 0.5


@dataclass(frozen=True)
class Entry:
    kind: str
    title: str
    text: str
    nested: bool = False
    number: str = ""

    @property
    def comparable(self) -> str:
        return f"{self.kind}|{self.number}|{self.title}|{self.text}"


@dataclass
class WordSegment:
    op: str  # "equal", "added" or "removed"
    text: str


@dataclass
class EntryChange:
    change: str  # "unchanged", "added", "removed" or "changed"
    old: Entry | None
    new: Entry | None
    words: list[WordSegment] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return (self.new or self.old).kind


def version_entries(version: CodeVersion) -> list[Entry]:
    """Expects `sections` and their `items` prefetched."""
    entries = [Entry("title", "", version.title)]
    if version.label:
        entries.append(Entry("label", "", version.label))
    if version.preamble:
        entries.append(Entry("preamble", "", version.preamble))
    for section in version.sections.all():
        if section.heading:
            entries.append(Entry("heading", "", section.heading))
        # In tree order, so that a sub-point is compared under its own clause, and cited as "4.2(a)".
        numbers: dict[int, str] = {}
        for item, depth in items_in_tree_order(section.items.all()):
            numbers[item.pk] = item.number
            number = f"{numbers.get(item.parent_id, '')}{item.number}" if item.number else ""
            entries.append(Entry(item.kind, item.heading, item.text, nested=depth > 0, number=number))
    if version.last_full_review_on:
        entries.append(Entry("review", "", f"Date of last full review: {version.last_full_review_on:%B %Y}"))
    return entries


def _words(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)


def word_diff(old: str, new: str) -> list[WordSegment]:
    old_words, new_words = _words(old), _words(new)
    segments: list[WordSegment] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(WordSegment("equal", "".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            segments.append(WordSegment("removed", "".join(old_words[a1:a2])))
        if b2 > b1:
            segments.append(WordSegment("added", "".join(new_words[b1:b2])))
    return segments


def _similarity(old: Entry, new: Entry) -> float:
    if old.kind != new.kind:
        return 0.0
    return difflib.SequenceMatcher(
        a=_words(f"{old.title} {old.text}"), b=_words(f"{new.title} {new.text}"), autojunk=False
    ).ratio()


def _changed(old: Entry, new: Entry) -> EntryChange:
    words = word_diff(
        " ".join(p for p in (old.number, old.title, old.text) if p),
        " ".join(p for p in (new.number, new.title, new.text) if p),
    )
    return EntryChange("changed", old, new, words)


def _pair_replaced(old_block: list[Entry], new_block: list[Entry]) -> list[EntryChange]:
    """Within a replaced stretch, keep order and pair entries that are the same
    entry reworded; the rest were removed or added."""
    changes: list[EntryChange] = []
    j = 0
    for old in old_block:
        match = next(
            (k for k in range(j, len(new_block)) if _similarity(old, new_block[k]) >= SAME_ENTRY_SIMILARITY), None
        )
        if match is None:
            changes.append(EntryChange("removed", old, None))
            continue
        changes += [EntryChange("added", None, new) for new in new_block[j:match]]
        changes.append(_changed(old, new_block[match]))
        j = match + 1
    changes += [EntryChange("added", None, new) for new in new_block[j:]]
    return changes


def versions_diff(old_version: CodeVersion, new_version: CodeVersion) -> list[EntryChange]:
    old_entries, new_entries = version_entries(old_version), version_entries(new_version)
    matcher = difflib.SequenceMatcher(
        a=[e.comparable for e in old_entries], b=[e.comparable for e in new_entries], autojunk=False
    )
    changes: list[EntryChange] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            changes += [
                EntryChange("unchanged", old, new)
                for old, new in zip(old_entries[a1:a2], new_entries[b1:b2], strict=True)
            ]
        else:
            changes += _pair_replaced(old_entries[a1:a2], new_entries[b1:b2])
    return changes
