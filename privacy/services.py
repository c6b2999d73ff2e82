"""State changes of the retention schedule: setting a period and erasing what has passed its period."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from breaches import selectors as breach_selectors
from breaches import services as breach_services
from conduct import selectors as conduct_selectors
from conduct import services as conduct_services
from conduct.models import User
from declarations import selectors as declaration_selectors
from declarations import services as declaration_services

from .models import Erasure, RetentionRule
from .retention_schedule import DEFAULTS, Kind
from .selectors import erased_ids, retention_periods


def retention_rule_set(*, kind: str, months: int, actor: User, reason: str) -> RetentionRule:
    """Before: the kind keeps its default or an earlier period. After: it keeps the new
    period, and who changed it, when and why is in the audit log."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the period changes"})
    if months < 1:
        raise ValidationError({"months": "The period must be at least 1 month"})
    with transaction.atomic():
        rule, _ = RetentionRule.objects.select_for_update().update_or_create(
            kind=kind, defaults={"months": months, "changed_at": timezone.now(), "changed_by": actor}
        )
        conduct_services.audit_record(
            actor=actor,
            action="retention.period_set",
            subject=rule,
            summary=f"{Kind(kind).label}: kept {months} months (default {DEFAULTS[kind].months})",
            reason=reason,
        )
    return rule


def _due(kind: str, day: datetime.date):
    """Primary keys of the records of a kind past their period on the day, not yet erased."""
    candidates = {
        Kind.CLOSED_BREACH_CASES: breach_selectors.cases_closed_before,
        Kind.EVIDENCE: breach_selectors.cases_closed_before,
        Kind.ANONYMOUS_FOLLOW_UP: breach_selectors.cases_closed_before,
        Kind.ENDED_DECLARATIONS: declaration_selectors.declarations_ended_before,
        Kind.SUPERSEDED_SIGNATURES: conduct_selectors.signatures_of_versions_ended_before,
        Kind.LEFT_ACCOUNTS: conduct_selectors.accounts_left_before,
    }[kind](day=day)
    return list(candidates.exclude(pk__in=erased_ids(kind)).order_by("pk").values_list("pk", flat=True))


def _erase(kind: str, pk: int, reason: str) -> None:
    if kind == Kind.CLOSED_BREACH_CASES:
        breach_services.breach_case_erase_personal_data(case_id=pk, reason=reason)
    elif kind == Kind.EVIDENCE:
        breach_services.evidence_erase_for_case(case_id=pk)
    elif kind == Kind.ANONYMOUS_FOLLOW_UP:
        breach_services.anonymous_follow_up_erase(case_id=pk, reason=reason)
    elif kind == Kind.ENDED_DECLARATIONS:
        declaration_services.declaration_erase_personal_data(declaration_id=pk, reason=reason)
    elif kind == Kind.SUPERSEDED_SIGNATURES:
        conduct_services.signature_erase_personal_data(signature_id=pk, reason=reason)
    elif kind == Kind.LEFT_ACCOUNTS:
        conduct_services.account_erase_personal_data(user_id=pk, reason=reason)


def retention_run(*, today: datetime.date) -> dict[str, int]:
    """Erase the personal data of every record past its period; returns how many of each kind.

    Before: records past their period hold personal data. After: each has been erased
    by its own app's service and has one Erasure row, written in the same transaction;
    a record already erased is skipped, so running twice (or twice at once) erases once.
    """
    counts = {}
    for period in retention_periods():
        day = today - relativedelta(months=period.months)
        reason = f"Retention schedule: {period.kind.label.lower()}, kept {period.months} months"
        counts[period.kind.value] = 0
        for pk in _due(period.kind, day):
            try:
                with transaction.atomic():
                    Erasure.objects.create(
                        kind=period.kind, subject_id=pk, erased_at=timezone.now(), months=period.months
                    )
                    _erase(period.kind, pk, reason)
            except IntegrityError:
                continue  # Another run erased it first.
            counts[period.kind.value] += 1
    return counts
