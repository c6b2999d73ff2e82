"""The canonical text of a code version: what a partner signs and what its hash covers.

The review schedule is left out: it is bookkeeping that an administrator may
set after publication, while the text signed never changes.

A format, once used, never changes: changing it would make every stored hash
disagree with the text recomputed from the version, so receipts would report
tampering. A version records the format it was published in and is always
recomputed in that format; corrections come as a new format for new versions.

- Format 1 (until December 2026) ordered a section's items by position alone,
  which put a sub-point under the wrong clause when sub-points counted their
  positions among themselves; its signatures still verify against it.
- Format 2 puts every item in the one item tree's order, with its number as the
  document writes it, and names a principle that has no wording of its own.
"""

import hashlib

from .item_tree import items_in_tree_order
from .models import CodeVersion, Item

CURRENT_FORMAT = 2


def _header(version: CodeVersion) -> list[str]:
    lines = [version.title]
    if version.label:
        lines.append(version.label)
    if version.preamble:
        lines += ["", version.preamble]
    return lines


def _format_1(version: CodeVersion) -> str:
    lines = _header(version)
    for section in version.sections.all():
        lines.append("")
        if section.heading:
            lines.append(f"## {section.heading}")
        for item in sorted(section.items.all(), key=lambda item: (item.position, item.pk)):
            indent = "    " if item.parent_id else ""
            title = f"{item.title} " if item.title else ""
            lines.append(f"{indent}- [{item.kind}] {title}{item.text}")
    return "\n".join(lines) + "\n"


def item_line(item: Item) -> str:
    """One item as format 2 writes it: number, kind, title, wording."""
    title = item.title or (item.principle.name if item.principle_id and not item.text else "")
    return " ".join(part for part in (item.number, f"[{item.kind}]", title, item.text) if part)


def _format_2(version: CodeVersion) -> str:
    lines = _header(version)
    for section in version.sections.all():
        lines.append("")
        if section.heading:
            lines.append(f"## {section.heading}")
        for item, depth in items_in_tree_order(section.items.all()):
            lines.append(f"{'    ' * depth}- {item_line(item)}")
    return "\n".join(lines) + "\n"


FORMATS = {1: _format_1, 2: _format_2}


def version_canonical_text(version: CodeVersion) -> str:
    """In the format the version was published in; a draft is in the current one,
    and publishing records it. Expects `sections` and their `items` prefetched (see selectors.with_content)."""
    return FORMATS[version.canonical_format](version)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
