"""Reads of the retention schedule."""

from dataclasses import dataclass

from .models import Erasure, RetentionRule
from .retention_schedule import DEFAULTS, Default, Kind


@dataclass(frozen=True)
class Period:
    kind: Kind
    months: int
    default: Default
    rule: RetentionRule | None

    @property
    def is_default(self) -> bool:
        return self.rule is None


def retention_periods() -> list[Period]:
    """Every kind of record with the period in force, in the schedule's order."""
    rules = {rule.kind: rule for rule in RetentionRule.objects.select_related("changed_by")}
    return [
        Period(
            kind=kind,
            months=rules[kind].months if kind in rules else DEFAULTS[kind].months,
            default=DEFAULTS[kind],
            rule=rules.get(kind),
        )
        for kind in Kind
    ]


def erased_ids(kind: str):
    return Erasure.objects.filter(kind=kind).values("subject_id")
