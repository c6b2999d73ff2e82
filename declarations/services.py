"""State changes of declarations: declaring, revising, reviewing, ending and withholding.

Other apps ask whether someone may take part in a decision through
`decision_participation_check`, defined in selectors and offered here.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from conduct.models import Partnership, PartnershipRole, User
from conduct.selectors import partner_for_user
from conduct.services import (
    ERASED,
    ConductError,
    OutgoingEmail,
    audit_entries_erase,
    audit_record,
    email_fan_out,
    email_queue,
    emails_queue,
    partnership_policy_change,
    task_enqueue,
)

from .models import (
    NOTE_MAX_LENGTH,
    PERMITTED_SITUATIONS,
    VALUED_SITUATIONS,
    AnnualConfirmation,
    Declaration,
    DeclarationEvent,
    DeclarationPolicy,
    DeclarationRevision,
    Dispensation,
    ManagementAction,
    Situation,
)
from .selectors import (  # noqa: F401 (other apps ask through services)
    DecisionCheck,
    asked_to_confirm,
    current_dispensations,
    days_late,
    decision_participation_check,
    decision_participation_checks,
    declared_interests_read,
    declaring_partnerships,
    is_asked_to_confirm,
    latest_round,
    may_grant_dispensation,
    may_review,
    may_withhold,
    normalised_name,
    policy_for,
    review_refusal,
    standing_conflicts,
    still_asked_to_confirm,
    value_assessment,
)


class DeclarationError(ConductError):
    """A request the rules of declaring refuse, with a message for the user."""


ANSWER_FIELDS = {
    "is_nil",
    "kind",
    "situation",
    "counterparty_organisation",
    "counterparty_name",
    "description",
    "arose_on",
    "ends_on",
    "value",
    "cash_or_vouchers",
    "from_supplier",
    "outcome",
    "approved_by",
    "approved_on",
    "permitted_by",
    "permitted_on",
    "practice_place",
    "practice_times",
    "practice_hours",
}
INTEREST_FIELDS = ANSWER_FIELDS - {"is_nil"}


def declaration_policy_change(*, partnership: Partnership, actor: User, changes: dict) -> list[str]:
    """Before: `changes` maps fields of DeclarationPolicy to new values. After: the fields that
    differed are saved, within the model's limits (else DeclarationError, by field, and nothing is
    saved), and one audit entry lists them; what changed is returned, nothing when nothing did."""
    return partnership_policy_change(
        DeclarationPolicy,
        partnership=partnership,
        actor=actor,
        changes=changes,
        error=DeclarationError,
        name="declaration",
    )


def _record(
    declaration: Declaration, *, action: str, from_status: str, actor: User | None, note: str = "", revision=None
) -> DeclarationEvent:
    event = DeclarationEvent.objects.create(
        declaration=declaration,
        revision=revision,
        action=action,
        from_status=from_status,
        to_status=declaration.status,
        actor=actor,
        note=note,
    )
    # The declaration's own history, and the hash-chained log across the apps.
    audit_record(
        actor=actor,
        action=f"declaration.{action}",
        subject=declaration,
        summary=(
            f"Declaration {declaration.pk}: {event.get_action_display()} "
            f"({from_status or 'new'} → {declaration.status})"
        ),
        reason=note,
    )
    return event


def _locked(declaration: Declaration) -> Declaration:
    return (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("revision__counterparty_organisation")
        .get(pk=declaration.pk)
    )


def _check_transition(declaration: Declaration, to_status: str, refusal: str) -> None:
    if not declaration.may_become(to_status):
        raise DeclarationError(refusal.format(status=declaration.get_status_display().lower()))


def _answers_refused(revision: DeclarationRevision, policy: DeclarationPolicy) -> dict[str, str]:
    """What the rules of declaring refuse in a revision's answers, by the answer's field."""
    # Outside employment and private practice: prior permission, and the practice's where, when and hours.
    refused = dict(revision.permission_problems)
    if revision.arose_on and revision.ends_on and revision.ends_on < revision.arose_on:
        refused["ends_on"] = "The end date must be the same as or after the date the interest arose"
    accepted = revision.outcome == DeclarationRevision.Outcome.ACCEPTED
    if revision.situation == Situation.GIFT and revision.arose_on and revision.arose_on > timezone.localdate():
        received = "received" if accepted else "were offered"
        refused["arose_on"] = f"The date you {received} the gift must be today or in the past"
    # The thresholds for gifts and hospitality (the cash rule, below, says more about the outcome).
    refused.update(value_assessment(revision, policy).problems)
    if policy.cash_must_be_declined and revision.cash_or_vouchers and accepted:
        refused["outcome"] = "Cash and vouchers must always be declined. Give them back, then choose Declined"
    return refused


def _check_own(declaration: Declaration, actor: User) -> None:
    if declaration.declarant_id != actor.pk:
        raise DeclarationError("Only the person who made a declaration can change it.")


def _check_reviewer(declaration: Declaration, actor: User) -> None:
    """Never the declarant, only the partnership's reviewers, and none with a standing interest in whom it names."""
    refusal = review_refusal(actor, declaration)
    if refusal:
        raise DeclarationError(refusal)


def _check_note(note: str, *, required: str = "") -> str:
    note = note.strip()
    if required and not note:
        raise DeclarationError(required)
    if len(note) > NOTE_MAX_LENGTH:
        raise DeclarationError(f"Keep it to {NOTE_MAX_LENGTH:,} characters or fewer.")
    return note


def _queue_event_email(event_id: int) -> None:
    # Kept in the database with the change and handed to Celery once it commits,
    # so the email is not lost if the broker is down.
    task_enqueue("declarations.tasks.send_declaration_event_email", event_id=event_id)


def _check_declares_to(partnership: Partnership, actor: User) -> None:
    """Only someone who declares to a partnership now may start, change or submit a
    declaration to it: a partner whose organisation has left (or been terminated) may not."""
    if not declaring_partnerships(actor).filter(pk=partnership.pk).exists():
        raise DeclarationError(f"You neither belong to a member organisation of {partnership} nor hold a role in it.")


def declaration_start(*, actor: User, partnership: Partnership, is_nil: bool, start_token: str = "") -> Declaration:
    """Start a draft declaration to a partnership the actor declares to: one their organisation
    belongs to, one in which they hold a role, or any for an administrator.

    After: a draft declaration with a first, unsubmitted revision, and its history row.
    With a `start_token` (the start page's one-off value), a second start with the same
    token, even at the same moment, returns the declaration the first one made.
    """
    _check_declares_to(partnership, actor)
    partner = partner_for_user(actor)
    if start_token and (started := Declaration.objects.filter(declarant=actor, start_token=start_token).first()):
        return started
    try:
        with transaction.atomic():
            declaration = Declaration.objects.create(
                declarant=actor,
                partner=partner,
                organisation_id=partner.organisation_id if partner else None,
                partnership=partnership,
                start_token=start_token,
            )
            revision = DeclarationRevision.objects.create(declaration=declaration, number=1, is_nil=is_nil)
            _record(declaration, action=DeclarationEvent.Action.STARTED, from_status="", actor=actor, revision=revision)
    except IntegrityError:
        # The same page sent twice at once: the other request's insert won the unique token.
        if not start_token:
            raise
        return Declaration.objects.get(declarant=actor, start_token=start_token)
    return declaration


def _clear_answers_that_do_not_apply(revision: DeclarationRevision) -> None:
    """A nil declaration has no interest; only gifts and hospitality have a value, only outside
    employment and private practice a permission, only private practice its place and hours."""
    if revision.is_nil:
        for name in INTEREST_FIELDS:
            setattr(revision, name, DeclarationRevision._meta.get_field(name).get_default())
    if revision.situation not in VALUED_SITUATIONS:
        revision.value, revision.outcome = None, ""
    if revision.situation != Situation.GIFT:
        revision.cash_or_vouchers = revision.from_supplier = None
    if revision.situation != Situation.HOSPITALITY or revision.outcome != DeclarationRevision.Outcome.ACCEPTED:
        revision.approved_by, revision.approved_on = "", None
    if revision.situation not in PERMITTED_SITUATIONS:
        revision.permitted_by, revision.permitted_on = "", None
    if revision.situation != Situation.PRIVATE_PRACTICE:
        revision.practice_place, revision.practice_times, revision.practice_hours = "", "", None


def declaration_draft_save(
    *, declaration: Declaration, actor: User, partnership: Partnership | None = None, **answers
) -> DeclarationRevision:
    """Save answers to the partner's unsubmitted revision (a draft is not yet a
    declaration, so no history row). Answers that no longer apply are cleared:
    a nil declaration has no interest, only gifts and hospitality have a value."""
    unknown = set(answers) - ANSWER_FIELDS
    if unknown:
        raise TypeError(f"Not an answer: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        declaration = _locked(declaration)
        _check_own(declaration, actor)
        _check_declares_to(partnership or declaration.partnership, actor)
        revision = DeclarationRevision.objects.filter(declaration=declaration, submitted_at__isnull=True).first()
        if revision is None:
            raise DeclarationError("This declaration has been submitted. Update it to change what it says.")
        if ("is_nil" in answers or partnership is not None) and declaration.status != Declaration.Status.DRAFT:
            raise DeclarationError(
                "Only a new declaration can change its partnership or whether it is a nil declaration."
            )
        if partnership is not None and partnership.pk != declaration.partnership_id:
            declaration.partnership = partnership
            declaration.save(update_fields=["partnership"])
        if "counterparty_name" in answers:
            # The decision check matches names, so they are stored as one would type them once.
            answers["counterparty_name"] = normalised_name(answers["counterparty_name"])
        for name, value in answers.items():
            setattr(revision, name, value)
        _clear_answers_that_do_not_apply(revision)
        # Refused by the question that gave the answer; the rest wait for the submission.
        refused = {
            field: message
            for field, message in _answers_refused(revision, policy_for(declaration.partnership)).items()
            if field in answers
        }
        if refused:
            raise DeclarationError(refused)
        revision.save()
    return revision


def declaration_revise(*, declaration: Declaration, actor: User) -> DeclarationRevision:
    """Start a new revision of a submitted, returned or accepted declaration, copied
    from the latest one; the earlier revisions stay as they were submitted.

    Returns the revision already started, if there is one.
    """
    with transaction.atomic():
        declaration = _locked(declaration)
        _check_own(declaration, actor)
        _check_declares_to(declaration.partnership, actor)
        existing = DeclarationRevision.objects.filter(declaration=declaration, submitted_at__isnull=True).first()
        if existing:
            return existing
        if declaration.status not in (
            Declaration.Status.SUBMITTED,
            Declaration.Status.RETURNED,
            Declaration.Status.ACCEPTED,
        ):
            raise DeclarationError(
                f"A declaration that is {declaration.get_status_display().lower()} cannot be updated."
            )
        latest = declaration.revision
        if latest.is_nil:
            raise DeclarationError("A nil declaration cannot be updated. If you now have an interest, declare it.")
        number = declaration.revisions.aggregate(last=Max("number"))["last"] + 1
        return DeclarationRevision.objects.create(
            declaration=declaration,
            number=number,
            **{name: getattr(latest, name) for name in ANSWER_FIELDS},
        )


def declaration_submit(*, declaration: Declaration, actor: User, note: str = "") -> Declaration:
    """Submit the partner's unsubmitted revision for review.

    Before: the partner's declaration is a draft, submitted, returned or accepted and
    has a complete unsubmitted revision that the rules of declaring accept (no cash accepted
    where it must be declined, no gift dated in the future, no end before the start), to a
    partnership they still declare to; a returned one needs the answer to the
    reviewer's question (the note). After: the revision is submitted and never
    changes; the declaration is submitted, flagged late if it was first declared
    more than the partnership's allowed days after the interest arose; a history
    row; and when it has just become late, the programme manager is emailed.
    """
    with transaction.atomic():
        declaration = _locked(declaration)
        _check_own(declaration, actor)
        _check_declares_to(declaration.partnership, actor)
        _check_transition(
            declaration, Declaration.Status.SUBMITTED, "A declaration that is {status} cannot be submitted."
        )
        revision = DeclarationRevision.objects.filter(declaration=declaration, submitted_at__isnull=True).first()
        if revision is None:
            raise DeclarationError("There is nothing new to submit: update the declaration first.")
        policy = policy_for(declaration.partnership)
        # By the answer refused (or missing, like a permission), before the catch-all below.
        refused = _answers_refused(revision, policy)
        if refused:
            raise DeclarationError(refused)
        if revision.unanswered:
            raise DeclarationError("Answer every question before submitting the declaration.")
        from_status = declaration.status
        note = _check_note(
            note,
            required="Answer the reviewer's question." if from_status == Declaration.Status.RETURNED else "",
        )
        now = timezone.now()
        revision.submitted_at, revision.submitted_by = now, actor
        revision.save(update_fields=["submitted_at", "submitted_by"])

        was_late = declaration.is_late
        declaration.first_submitted_at = declaration.first_submitted_at or now
        declared_on = timezone.localdate(declaration.first_submitted_at)
        declaration.is_late = days_late(arose_on=revision.arose_on, declared_on=declared_on, policy=policy) is not None
        declaration.is_voluntary = value_assessment(revision, policy).voluntary
        declaration.status = Declaration.Status.SUBMITTED
        declaration.revision = revision
        declaration.save(update_fields=["first_submitted_at", "is_late", "is_voluntary", "status", "revision"])
        action = {
            Declaration.Status.DRAFT: DeclarationEvent.Action.SUBMITTED,
            Declaration.Status.RETURNED: DeclarationEvent.Action.RESUBMITTED,
        }.get(from_status, DeclarationEvent.Action.UPDATED)
        event = _record(declaration, action=action, from_status=from_status, actor=actor, note=note, revision=revision)
        if declaration.is_late and not was_late:
            _queue_event_email(event.pk)
        # Declaring answers this round's request to confirm, or stands for it if none was made yet.
        annual_confirmation_confirm(
            person=actor, partnership=declaration.partnership, actor=actor, how=AnnualConfirmation.How.DECLARED
        )
    return declaration


def declaration_record_for(
    *, declarant: User, partnership: Partnership, actor: User, occasion: str, **answers
) -> Declaration:
    """Record a declaration someone made aloud (at a meeting, to its chair), onto the register as
    a submitted declaration like any other, which they may then update or end themselves.

    Before: the declarant declares to the partnership; the answers describe a complete interest
    that has no estimated value (gifts and hospitality are declared by the person themselves,
    with their value), and outside employment or private practice says who permitted it and
    when (and where, when and how many hours a week a practice runs), else DeclarationError by
    the answer. After: a submitted declaration in the declarant's name, unresolved until
    a reviewer accepts it; its history says who recorded it and on what occasion.
    """
    unknown = set(answers) - INTEREST_FIELDS
    if unknown:
        raise TypeError(f"Not an answer: {', '.join(sorted(unknown))}")
    if not declaring_partnerships(declarant).filter(pk=partnership.pk).exists():
        raise DeclarationError(f"{declarant.display_name} does not declare to {partnership}.")
    answers["counterparty_name"] = normalised_name(answers.get("counterparty_name", ""))
    occasion = _check_note(occasion, required="Say where the declaration was made.")
    revision = DeclarationRevision(number=1, **answers)
    _clear_answers_that_do_not_apply(revision)
    if revision.is_valued:
        raise DeclarationError(
            {"situation": "A gift or hospitality is declared by the person themselves, with its value"}
        )
    if revision.permission_problems:
        raise DeclarationError(revision.permission_problems)
    if revision.unanswered:
        raise DeclarationError("Record what the interest is, whom it concerns, what it is about and when it arose.")
    partner = partner_for_user(declarant)
    with transaction.atomic():
        declaration = Declaration.objects.create(
            declarant=declarant,
            partner=partner,
            organisation_id=partner.organisation_id if partner else None,
            partnership=partnership,
        )
        revision.declaration = declaration
        revision.save()
        _record(declaration, action=DeclarationEvent.Action.STARTED, from_status="", actor=actor, revision=revision)
        now = timezone.now()
        revision.submitted_at, revision.submitted_by = now, actor
        revision.save(update_fields=["submitted_at", "submitted_by"])
        policy = policy_for(partnership)
        declaration.first_submitted_at, declaration.status, declaration.revision = (
            now,
            Declaration.Status.SUBMITTED,
            revision,
        )
        declaration.is_late = (
            days_late(arose_on=revision.arose_on, declared_on=timezone.localdate(now), policy=policy) is not None
        )
        declaration.save(update_fields=["first_submitted_at", "is_late", "status", "revision"])
        event = _record(
            declaration,
            action=DeclarationEvent.Action.SUBMITTED,
            from_status=Declaration.Status.DRAFT,
            actor=actor,
            note=occasion,
            revision=revision,
        )
        if declaration.is_late:
            _queue_event_email(event.pk)
    return declaration


def declaration_return(*, declaration: Declaration, actor: User, question: str) -> Declaration:
    """Return a submitted declaration to its partner with a question.

    After: the declaration is returned (still unresolved), the question is in its
    history, and the partner is emailed once this commits.
    """
    question = _check_note(question, required="Enter the question for the partner.")
    with transaction.atomic():
        declaration = _locked(declaration)
        _check_reviewer(declaration, actor)
        _check_transition(
            declaration,
            Declaration.Status.RETURNED,
            "Only a submitted declaration can be returned; this one is {status}.",
        )
        from_status = declaration.status
        declaration.status = Declaration.Status.RETURNED
        declaration.save(update_fields=["status"])
        event = _record(
            declaration,
            action=DeclarationEvent.Action.RETURNED,
            from_status=from_status,
            actor=actor,
            note=question,
            revision=declaration.revision,
        )
        _queue_event_email(event.pk)
    return declaration


def declaration_accept(
    *, declaration: Declaration, actor: User, actions: Iterable[tuple[str, str]] = (), note: str = ""
) -> Declaration:
    """Accept a submitted declaration, as no conflict or with management actions
    (pairs of a ManagementAction kind and its details).

    After: the latest revision is the accepted one, kept as it was accepted, with
    its actions; accepting an interest ends the partner's nil declarations to the
    same partnership, which it contradicts; history rows; and the partner is
    emailed once this commits.
    """
    actions = [(kind, " ".join(details.split())) for kind, details in actions]
    kinds = [kind for kind, _ in actions]
    if len(set(kinds)) != len(kinds) or not set(kinds) <= set(ManagementAction.Kind.values):
        raise DeclarationError("Choose each management action once.")
    if any(kind == ManagementAction.Kind.OTHER and not details for kind, details in actions):
        raise DeclarationError("Describe the other management action.")
    if any(len(details) > NOTE_MAX_LENGTH for _, details in actions):
        raise DeclarationError(f"Keep each management action to {NOTE_MAX_LENGTH:,} characters or fewer.")
    note = _check_note(note)
    with transaction.atomic():
        declaration = _locked(declaration)
        _check_reviewer(declaration, actor)
        _check_transition(
            declaration,
            Declaration.Status.ACCEPTED,
            "Only a submitted declaration can be accepted; this one is {status}.",
        )
        from_status = declaration.status
        revision = declaration.revision
        ManagementAction.objects.bulk_create(
            [
                ManagementAction(revision=revision, kind=kind, details=details, created_by=actor)
                for kind, details in actions
            ]
        )
        declaration.status = Declaration.Status.ACCEPTED
        declaration.accepted_revision = revision
        declaration.accepted_at = timezone.now()
        declaration.save(update_fields=["status", "accepted_revision", "accepted_at"])
        event = _record(
            declaration,
            action=DeclarationEvent.Action.ACCEPTED,
            from_status=from_status,
            actor=actor,
            note=note,
            revision=revision,
        )
        if not revision.is_nil:
            _end_contradicted_nil_declarations(declaration, actor=actor)
        _queue_event_email(event.pk)
    return declaration


def _end_contradicted_nil_declarations(declaration: Declaration, *, actor: User) -> None:
    nil_declarations = Declaration.objects.select_for_update().filter(
        declarant_id=declaration.declarant_id,
        partnership_id=declaration.partnership_id,
        status=Declaration.Status.ACCEPTED,
        revision__is_nil=True,
    )
    for nil in nil_declarations:
        nil.status, nil.ended_on = Declaration.Status.ENDED, timezone.localdate()
        nil.save(update_fields=["status", "ended_on"])
        _record(
            nil,
            action=DeclarationEvent.Action.ENDED,
            from_status=Declaration.Status.ACCEPTED,
            actor=actor,
            note=f"Replaced by declaration {declaration.pk}: an interest has since been declared and accepted.",
        )


def declaration_end(*, declaration: Declaration, actor: User, ended_on: datetime.date, reason: str = "") -> Declaration:
    """The partner records that a declared interest has ended.

    Before: the declaration is submitted, returned or accepted, and the end date is
    neither in the future nor before the interest arose. After: it is ended, with
    the date and a history row; it stays on the public register if it was accepted.
    """
    reason = _check_note(reason)
    with transaction.atomic():
        declaration = _locked(declaration)
        _check_own(declaration, actor)
        if declaration.status == Declaration.Status.ENDED:
            return declaration
        _check_transition(declaration, Declaration.Status.ENDED, "A declaration that is {status} cannot be ended.")
        if ended_on > timezone.localdate():
            raise DeclarationError(
                {
                    "ended_on": "The date the interest ended must be today or in the past. "
                    "If it ends later, update the declaration with its end date"
                }
            )
        arose_on = declaration.revision.arose_on
        if arose_on and ended_on < arose_on:
            raise DeclarationError(
                {
                    "ended_on": "The date the interest ended must be on or after the date it arose "
                    f"({date_format(arose_on, 'j F Y')})"
                }
            )
        from_status = declaration.status
        declaration.status, declaration.ended_on = Declaration.Status.ENDED, ended_on
        declaration.save(update_fields=["status", "ended_on"])
        _record(
            declaration,
            action=DeclarationEvent.Action.ENDED,
            from_status=from_status,
            actor=actor,
            note=reason,
            revision=declaration.revision,
        )
    return declaration


# A dispensation is for a meeting or a season of decisions, not a standing licence.
MAX_DISPENSATION_DAYS = 366


def dispensation_grant(
    *, declaration: Declaration, actor: User, reason: str, starts_on: datetime.date, ends_on: datetime.date
) -> Dispensation:
    """Let the declarant take part in decisions despite the declared interest, from one day to
    another, for a recorded reason.

    Before: the declaration is submitted, returned or accepted; the actor is the chair or
    programme manager of its partnership, is not the declarant, and has no standing interest
    of their own in whom it names; the days are in order, end no earlier than today and span
    at most a year. After: the dispensation is recorded (never changed; it expires by itself on
    its end date) with an audit entry.
    """
    reason = _check_note(reason, required="Enter the reason for the dispensation.")
    if ends_on < starts_on:
        raise DeclarationError("The dispensation must end on or after the day it starts.")
    if ends_on < timezone.localdate():
        raise DeclarationError("The dispensation must end today or later.")
    if (ends_on - starts_on).days >= MAX_DISPENSATION_DAYS:
        raise DeclarationError("A dispensation lasts at most a year: grant another when it ends if it is still needed.")
    with transaction.atomic():
        declaration = _locked(declaration)
        if declaration.status not in (*Declaration.UNRESOLVED, Declaration.Status.ACCEPTED):
            raise DeclarationError(
                f"A declaration that is {declaration.get_status_display().lower()} needs no dispensation."
            )
        if not may_grant_dispensation(actor, declaration):
            raise DeclarationError(
                "Only the chair or programme manager of this partnership grants a dispensation, and never on their "
                "own declaration."
            )
        check = decision_participation_check(
            user=actor,
            organisation=declaration.revision.counterparty_organisation,
            person_name=declaration.revision.counterparty_name,
        )
        if not check.allowed:
            raise DeclarationError(check.reason)
        dispensation = Dispensation.objects.create(
            declaration=declaration, reason=reason, starts_on=starts_on, ends_on=ends_on, granted_by=actor
        )
        audit_record(
            actor=actor,
            action="declaration.dispensation_granted",
            subject=declaration,
            summary=f"Declaration {declaration.pk}: dispensation from {starts_on} to {ends_on}",
            reason=reason,
        )
    return dispensation


def _check_manager(declaration: Declaration, actor: User) -> None:
    if not may_withhold(actor, declaration):
        raise DeclarationError(
            "Only the programme manager of this partnership can decide what the public register shows."
        )


def declaration_withhold(*, declaration: Declaration, actor: User, reason: str) -> Declaration:
    """Keep a declaration off the public register, for a recorded reason (personal safety, say).

    After: it is withheld with the reason and a history row; withholding twice changes nothing.
    """
    reason = _check_note(reason, required="Enter the reason for withholding this declaration.")
    with transaction.atomic():
        declaration = _locked(declaration)
        _check_manager(declaration, actor)
        if declaration.is_withheld:
            return declaration
        declaration.withheld_at, declaration.withheld_reason = timezone.now(), reason
        # Withholding grants the declarant's request, if they made one.
        declaration.withholding_asked_at, declaration.withholding_asked_reason = None, ""
        declaration.save(
            update_fields=["withheld_at", "withheld_reason", "withholding_asked_at", "withholding_asked_reason"]
        )
        _record(
            declaration,
            action=DeclarationEvent.Action.WITHHELD,
            from_status=declaration.status,
            actor=actor,
            note=reason,
        )
    return declaration


def declaration_withholding_ask(*, declaration: Declaration, actor: User, reason: str) -> Declaration:
    """The declarant asks for their declaration to be kept off the public register, for a reason.

    Before: the actor made the declaration, which is submitted (not a draft, not ended) and is
    neither withheld nor already asked about. After: the request and its reason, waiting for
    the programme manager to withhold it or refuse; a history row.
    """
    reason = _check_note(reason, required="Enter why it should be withheld from the public register.")
    with transaction.atomic():
        declaration = _locked(declaration)
        _check_own(declaration, actor)
        if declaration.status in (Declaration.Status.DRAFT, Declaration.Status.ENDED):
            raise DeclarationError("Only a declaration that has been submitted and has not ended can be withheld.")
        if declaration.is_withheld:
            raise DeclarationError("This declaration is already withheld from the public register.")
        if declaration.withholding_asked_at is not None:
            raise DeclarationError("You have already asked: the programme manager will decide.")
        declaration.withholding_asked_at, declaration.withholding_asked_reason = timezone.now(), reason
        declaration.save(update_fields=["withholding_asked_at", "withholding_asked_reason"])
        _record(
            declaration,
            action=DeclarationEvent.Action.WITHHOLDING_ASKED,
            from_status=declaration.status,
            actor=actor,
            note=reason,
        )
    return declaration


def declaration_withholding_refuse(*, declaration: Declaration, actor: User, reason: str) -> Declaration:
    """The programme manager refuses the declarant's request to withhold, saying why.

    Before: the declarant asked and the actor manages the partnership. After: the request is
    closed; the history keeps it and the refusal with its reason.
    """
    reason = _check_note(reason, required="Enter why it is not withheld.")
    with transaction.atomic():
        declaration = _locked(declaration)
        _check_manager(declaration, actor)
        if declaration.withholding_asked_at is None:
            raise DeclarationError("There is no request to withhold this declaration.")
        declaration.withholding_asked_at, declaration.withholding_asked_reason = None, ""
        declaration.save(update_fields=["withholding_asked_at", "withholding_asked_reason"])
        _record(
            declaration,
            action=DeclarationEvent.Action.WITHHOLDING_REFUSED,
            from_status=declaration.status,
            actor=actor,
            note=reason,
        )
    return declaration


def declaration_release(*, declaration: Declaration, actor: User, reason: str) -> Declaration:
    """Let a withheld declaration appear on the public register again (once accepted).

    After: it is no longer withheld; the history keeps both reasons.
    """
    reason = _check_note(reason, required="Enter the reason for publishing this declaration again.")
    with transaction.atomic():
        declaration = _locked(declaration)
        _check_manager(declaration, actor)
        if not declaration.is_withheld:
            return declaration
        declaration.withheld_at, declaration.withheld_reason = None, ""
        declaration.save(update_fields=["withheld_at", "withheld_reason"])
        _record(
            declaration,
            action=DeclarationEvent.Action.RELEASED,
            from_status=declaration.status,
            actor=actor,
            note=reason,
        )
    return declaration


def declaration_event_notify(*, event_id: int) -> bool:
    """Queue the email an event calls for, once: to the partner when their declaration
    is returned or accepted, to each programme manager when a late one arrives.
    Returns whether an email was queued."""
    with transaction.atomic():
        # Claiming the event first means a task run twice queues one email.
        if not DeclarationEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        ):
            return False
        event = DeclarationEvent.objects.select_related(
            "actor",
            "declaration__declarant",
            "declaration__organisation",
            "declaration__partnership",
            "declaration__revision__counterparty_organisation",
        ).get(pk=event_id)
        declaration = event.declaration
        revision = declaration.revision
        context = {
            "event": event,
            "declaration": declaration,
            "revision": revision,
            "declaration_url": settings.SITE_URL + declaration.get_absolute_url(),
        }
        if event.action in (DeclarationEvent.Action.RETURNED, DeclarationEvent.Action.ACCEPTED):
            context["actions"] = list(revision.management_actions.all())
            email_queue(
                purpose=f"declaration-event:{event.pk}",
                to=declaration.declarant.email,
                template=f"emails/declaration_{event.action}",
                context=context,
            )
            return True
        managers = list(
            User.objects.filter(
                partnership_roles__partnership_id=declaration.partnership_id,
                partnership_roles__role=PartnershipRole.Role.PROGRAMME_MANAGER,
                is_active=True,
            ).values_list("email", flat=True)
        )
        if not declaration.is_late or not managers:
            return False
        context.update(
            days_after=(timezone.localdate(declaration.first_submitted_at) - revision.arose_on).days,
            late_after_days=policy_for(declaration.partnership).late_after_days,
            register_url=settings.SITE_URL + reverse("declarations:register") + "?late=true",
        )
        emails_queue(
            [
                OutgoingEmail(
                    purpose=f"declaration-event:{event.pk}",
                    to=manager,
                    template="emails/declaration_late",
                    context=context,
                )
                for manager in managers
            ]
        )
        return True


def annual_confirmation_year(*, policy: DeclarationPolicy, today: datetime.date) -> int:
    """The year of the confirmation round in force today: rounds start on the
    first of the partnership's confirmation month."""
    return today.year if today.month >= policy.annual_confirmation_month else today.year - 1


def _round_began(*, policy: DeclarationPolicy, year: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, policy.annual_confirmation_month, 1))


def annual_confirmations_request(*, today: datetime.date) -> int:
    """Ask every partner and every decision-maker (whatever their role) of every partnership,
    once a round, to confirm their declarations. Safe to run again: a person is asked once a
    round, however many ways they declare to the partnership. A decision-maker appointed since
    the round began was asked on appointment: that is this round's ask, and reminders count
    from it. Returns how many people were emailed."""
    now = timezone.now()
    for partnership in Partnership.objects.all():
        policy = policy_for(partnership)
        year = annual_confirmation_year(policy=policy, today=today)
        began = _round_began(policy=policy, year=year)
        requests = []
        for person_id, appointed_at in asked_to_confirm(partnership).items():
            asked_on_appointment = appointed_at is not None and appointed_at >= began
            requests.append(
                AnnualConfirmation(
                    person_id=person_id,
                    partnership=partnership,
                    year=year,
                    requested_at=appointed_at if asked_on_appointment else now,
                    emailed_at=appointed_at if asked_on_appointment else None,
                )
            )
        AnnualConfirmation.objects.bulk_create(requests, ignore_conflicts=True)
    return email_fan_out(
        AnnualConfirmation.objects.filter(emailed_at__isnull=True, confirmed_at__isnull=True).select_related(
            "person", "partnership"
        ),
        emails_for=lambda confirmation: [_annual_confirmation_email(confirmation, reminder=False)],
        mark={"emailed_at": now},
    )


def annual_confirmations_remind(*, now: datetime.datetime) -> int:
    """Remind those who have not confirmed this round's declarations, every reminder interval,
    until they confirm or declare, while the partnership still asks them (a partner of a member,
    or a decision-maker). Returns how many were reminded."""
    interval = datetime.timedelta(days=settings.DECLARATION_CONFIRMATION_REMINDER_DAYS)
    due = latest_round(
        AnnualConfirmation.objects.filter(
            confirmed_at__isnull=True, emailed_at__isnull=False, requested_at__lte=now - interval
        )
    ).filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - interval))
    return email_fan_out(
        still_asked_to_confirm(due).select_related("person", "partnership"),
        emails_for=lambda confirmation: [_annual_confirmation_email(confirmation, reminder=True)],
        mark={"last_reminded_at": now, "reminder_count": F("reminder_count") + 1},
    )


def _annual_confirmation_email(confirmation: AnnualConfirmation, *, reminder: bool) -> OutgoingEmail:
    return OutgoingEmail(
        purpose=(
            f"annual-confirmation-reminder:{confirmation.pk}:{confirmation.reminder_count + 1}"
            if reminder
            else f"annual-confirmation:{confirmation.pk}"
        ),
        to=confirmation.person.email,
        template="emails/declaration_confirmation_reminder" if reminder else "emails/declaration_confirmation_request",
        context={
            "confirmation": confirmation,
            "confirm_url": settings.SITE_URL
            + reverse("declarations:annual-confirm", kwargs={"partnership_slug": confirmation.partnership.slug}),
        },
    )


def annual_confirmation_confirm(
    *, person: User, partnership: Partnership, actor: User, how: str = AnnualConfirmation.How.CONFIRMED
) -> int:
    """Record that the person has confirmed their declarations to the partnership, or made or
    updated one; reminders stop. A declaration made by someone the partnership asks (a partner
    or decision-maker) before this round asked them stands for the round: it is recorded as
    confirmed, so the round does not ask again. Returns how many requests this settled."""
    now = timezone.now()
    with transaction.atomic():
        open_requests = list(
            AnnualConfirmation.objects.select_for_update().filter(
                person=person, partnership=partnership, confirmed_at__isnull=True
            )
        )
        if how == AnnualConfirmation.How.DECLARED and is_asked_to_confirm(person, partnership):
            year = annual_confirmation_year(policy=policy_for(partnership), today=timezone.localdate(now))
            declared, created = AnnualConfirmation.objects.get_or_create(
                person=person,
                partnership=partnership,
                year=year,
                defaults={"requested_at": now, "confirmed_at": now, "how": how},
            )
            if created:
                open_requests.append(declared)
        for confirmation in open_requests:
            if confirmation.confirmed_at is None:
                confirmation.confirmed_at, confirmation.how = now, how
                confirmation.save(update_fields=["confirmed_at", "how"])
            audit_record(
                actor=actor,
                action="declarations.annual_confirmation",
                subject=confirmation,
                summary=f"{confirmation}: {confirmation.get_how_display().lower()}",
            )
    return len(open_requests)


def declaration_erase_personal_data(*, declaration_id: int, reason: str) -> None:
    """Before: an ended declaration keeps who and what was declared in words.
    After: the other party's name, descriptions, actions' details and notes read as
    erased, and its audit entries' words are erased, recorded; the kind, situation,
    dates, value and status stay for the statistics."""
    with transaction.atomic():
        Declaration.objects.filter(pk=declaration_id).exclude(withheld_reason="").update(withheld_reason=ERASED)
        revisions = DeclarationRevision.objects.filter(declaration_id=declaration_id)
        revisions.exclude(counterparty_name="").erase_personal_data(counterparty_name=ERASED)
        revisions.exclude(description="").erase_personal_data(description=ERASED)
        ManagementAction.objects.filter(revision__declaration_id=declaration_id).exclude(details="").update(
            details=ERASED
        )
        DeclarationEvent.objects.filter(declaration_id=declaration_id).exclude(note="").erase_personal_data(note=ERASED)
        audit_entries_erase(
            subject_type="declarations.declaration", subject_id=str(declaration_id), actor=None, reason=reason
        )
