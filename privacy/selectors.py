"""Reads of the retention schedule and of subject access requests."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from conduct import selectors as conduct_selectors

from .models import Erasure, RetentionRule, SubjectAccessRequest
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


def subject_access_requests_open() -> QuerySet[SubjectAccessRequest]:
    """Open requests, the one due soonest first."""
    return (
        SubjectAccessRequest.objects.filter(status=SubjectAccessRequest.Status.OPEN)
        .select_related("subject")
        .order_by("due_on", "pk")
    )


def subject_access_requests_answered(limit: int = 20) -> list[SubjectAccessRequest]:
    return list(
        SubjectAccessRequest.objects.filter(status=SubjectAccessRequest.Status.ANSWERED)
        .select_related("subject")
        .order_by("-answered_at", "-pk")[:limit]
    )


def subject_access_request(pk: int) -> SubjectAccessRequest:
    request = SubjectAccessRequest.objects.select_related("subject", "recorded_by", "answered_by").filter(pk=pk).first()
    if request is None:
        raise Http404("No such subject access request")
    return request


def subject_access_history(request: SubjectAccessRequest) -> list:
    """Who recorded, exported and answered the request, and when, from the audit log."""
    return list(conduct_selectors.audit_entries_of(request))
