"""The one order of a section's items: each item followed by its sub-points.

A sub-point's position counts among its siblings only, so ordering a section's
items by position alone would put sub-point (a) of clause 4.2 next to clause 4.1.
Pages, the signed text, the diff, breach citations and the admin all read this order.
"""

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def items_in_tree_order(items: Iterable[T]) -> list[tuple[T, int]]:
    """(item, depth) pairs, siblings by position. Expects objects with pk,
    parent_id and position; an item whose parent is not among them stands at the top."""
    items = sorted(items, key=lambda item: (item.position, item.pk))
    ids = {item.pk for item in items}
    children: dict[int | None, list[T]] = {}
    for item in items:
        children.setdefault(item.parent_id if item.parent_id in ids else None, []).append(item)
    ordered: list[tuple[T, int]] = []

    def walk(parent_id, depth: int) -> None:
        for item in children.get(parent_id, []):
            ordered.append((item, depth))
            walk(item.pk, depth + 1)

    walk(None, 0)
    return ordered
