"""Counts that help a person act: how many rows of a list fall under each value of one of
its filters, each a link that applies that filter to what is already chosen."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import QueryDict


@dataclass
class Tally:
    value: str
    label: str
    count: int
    href: str
    chosen: bool


def tallies_by(
    queryset: QuerySet, *, field: str, choices: list[tuple[str, str]], query: QueryDict, param: str
) -> list[Tally]:
    """One GROUP BY over the list as filtered by everything but `param`: the count for each
    choice (nought included, so the list does not change shape), linked to the list with
    `param` set to that choice."""
    counts = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
    chosen = query.get(param, "")
    others = query.copy()
    others.pop(param, None)
    others.pop("page", None)
    tallies = []
    for value, label in choices:
        others[param] = value
        tallies.append(Tally(value, label, counts.get(value, 0), f"?{others.urlencode()}", value == chosen))
    return tallies
