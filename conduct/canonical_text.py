"""The canonical text of a code version: what a partner signs and what its hash covers.

The review schedule is left out: it is bookkeeping that an administrator may
set after publication, while the text signed never changes.

The format is fixed: changing it would make every stored hash disagree with the
text recomputed from the version, so receipts would report tampering.
"""

import hashlib

from .models import CodeVersion


def version_canonical_text(version: CodeVersion) -> str:
    """Expects `sections` and their `items` prefetched (see selectors.version_with_content)."""
    lines = [version.title]
    if version.label:
        lines.append(version.label)
    if version.preamble:
        lines += ["", version.preamble]
    for section in version.sections.all():
        lines.append("")
        if section.heading:
            lines.append(f"## {section.heading}")
        for item in section.items.all():
            indent = "    " if item.parent_id else ""
            title = f"{item.title} " if item.title else ""
            lines.append(f"{indent}- [{item.kind}] {title}{item.text}")
    return "\n".join(lines) + "\n"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
