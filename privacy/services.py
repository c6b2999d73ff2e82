"""State changes of personal data's life: setting a retention period, erasing what has
passed its period, and recording, exporting and answering subject access requests."""

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
from govuk.date_arithmetic import add_months

from . import subject_access
from .models import Erasure, RetentionRule, SubjectAccessRequest
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


# --- Subject access requests -------------------------------------------------------------------


class SubjectAccessError(ValidationError):
    """A subject access request the rules refuse, with a message for the administrator."""


def subject_access_request_record(
    *, subject: User, asked_by: str, received_on: datetime.date, actor: User
) -> SubjectAccessRequest:
    """Before: nothing records the request. After: it is recorded, open, due one month
    after it was received (UK GDPR Article 12(3)), and the audit log says who recorded
    it, for whom and when."""
    if received_on > timezone.localdate():
        raise SubjectAccessError({"received_on": "The date the request was received must be today or in the past"})
    if not asked_by.strip():
        raise SubjectAccessError({"asked_by": "Enter who made the request"})
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            subject=subject,
            asked_by=asked_by.strip(),
            received_on=received_on,
            due_on=add_months(received_on, 1),
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        conduct_services.audit_record(
            actor=actor,
            action="subject_access.requested",
            subject=request,
            summary=f"Subject access request for user {subject.pk}, received {received_on:%Y-%m-%d}, "
            f"due {request.due_on:%Y-%m-%d}",
        )
    return request


def subject_access_export(*, request: SubjectAccessRequest, actor: User, kind: str) -> dict:
    """Before: the request exists. After: the export (everything held about its subject,
    other people's identities withheld) is returned, and the audit log records who made
    it, when, for whom and in which form ("html" or "json")."""
    produced_at = timezone.now()
    with transaction.atomic():
        export = subject_access.export_for(request.subject_id, request_id=request.pk, produced_at=produced_at)
        conduct_services.audit_record(
            actor=actor,
            action="subject_access.exported",
            subject=request,
            summary=f"Everything held about user {request.subject_id} exported as {kind.upper()}",
        )
    return export


def subject_access_request_answer(*, request: SubjectAccessRequest, actor: User) -> SubjectAccessRequest:
    """Before: the request is open. After: it is answered, with who said so and when, in
    the audit log. Answering it again changes nothing."""
    with transaction.atomic():
        request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
        if request.status == SubjectAccessRequest.Status.ANSWERED:
            return request
        request.status = SubjectAccessRequest.Status.ANSWERED
        request.answered_at = timezone.now()
        request.answered_by = actor
        request.save(update_fields=["status", "answered_at", "answered_by"])
        late = timezone.localdate() > request.due_on
        conduct_services.audit_record(
            actor=actor,
            action="subject_access.answered",
            subject=request,
            summary=f"Subject access request for user {request.subject_id} answered"
            + (f", after its due date {request.due_on:%Y-%m-%d}" if late else ""),
        )
    return request
