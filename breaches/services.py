"""State changes of breach cases: reporting, triage and routing, escalation,
the respondent's response, decisions, closing, and what passes between those
handling a case and the reporter. Each one locks the case, checks its status,
who is acting and their declared interests, records a history row in the same
transaction and queues its emails for after the commit."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateformat import format as date_format

from conduct.models import Item, Membership, Organisation, Partnership, PartnershipRole, Principle, Suspension, User
from conduct.selectors import is_administrator
from conduct.services import (
    ERASED,
    ConductError,
    audit_entries_erase,
    audit_record,
    emails_queue,
    membership_end,
    membership_restore,
    partnership_policy_change,
    suspension_end_refusal,
    suspension_lift,
    suspension_start,
    task_enqueue,
)
from declarations.services import decision_participation_check
from govuk.date_arithmetic import add_months

from . import notifications, selectors, virus_scan
from .deadlines import ACKNOWLEDGEMENT_WARNING_DAYS, FEEDBACK_WARNING_DAYS, add_working_days
from .evidence import evidence_kind, evidence_refusal
from .models import (
    Appeal,
    BreachCase,
    BreachPolicy,
    CaseEmail,
    CaseEvent,
    CaseMessage,
    CaseNote,
    Evidence,
    Panel,
    PanelMember,
    PanelView,
    PublishedCase,
)
from .receipt_codes import receipt_code_new, receipt_code_normalise, receipt_code_sha256

Status = BreachCase.Status
Action = BreachCase.Action
Track = BreachCase.Track


class BreachError(ConductError):
    """A request the rules of handling a breach refuse, with a message for the user."""


class CaseChanged(BreachError):
    """Someone else moved the case since the form was shown."""

    def __init__(self):
        super().__init__(
            "This case changed while you were working on it. "
            "Check what it shows now, then submit again if you still need to."
        )


def breach_policy_change(*, partnership: Partnership, actor: User, changes: dict) -> list[str]:
    """Before: `changes` maps fields of BreachPolicy to new values. After: the fields that differed
    are saved, within the model's limits (else BreachError, by field, and nothing is saved), and one
    audit entry lists them; what changed is returned, nothing when nothing did. Cases already
    reported keep the deadlines they were given."""
    return partnership_policy_change(
        BreachPolicy, partnership=partnership, actor=actor, changes=changes, error=BreachError, name="breach"
    )


# How a refusal names each status and each action.
STATUS_PHRASES = {
    Status.REPORTED: "waiting for triage",
    Status.INFORMAL: "in informal resolution",
    Status.FORMAL: "under formal investigation",
    Status.DECIDED: "decided",
    Status.CLOSED: "closed",
    Status.WITHDRAWN: "withdrawn",
}
ACTION_VERBS = {
    Action.TRIAGE: "triage",
    Action.ESCALATE: "escalate to the panel",
    Action.DE_ESCALATE: "return to informal resolution",
    Action.DECIDE: "decide",
    Action.CLOSE: "close",
    Action.WITHDRAW: "withdraw",
    Action.PUBLISH: "publish",
}
ACTION_PHRASES = {
    Action.TRIAGE: "triaged",
    Action.ESCALATE: "escalated to the panel",
    Action.DE_ESCALATE: "returned to informal resolution",
    Action.DECIDE: "decided",
    Action.CLOSE: "closed",
    Action.WITHDRAW: "withdrawn",
    Action.PUBLISH: "published",
}
ROLE_PHRASES = {
    PartnershipRole.Role.PROGRAMME_MANAGER: "the programme manager",
    PartnershipRole.Role.PANEL_MEMBER: "the panel",
}


# --- Routing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    track: str
    reason: str


def breach_case_route(*, severity: str, deliberate: str, continued: bool) -> Route:
    """The track a triaged case takes, and why.

    C4PC: "Minor breaches of this Code will, in the first instance, be dealt with
    informally by the Programme Manager. Where there is evidence of a serious,
    deliberate or continued breach of this Code, formal action may be taken".
    So any one of serious, deliberate or continued sends a case to the panel;
    a minor one that is not continued, with no evidence that it was deliberate
    (deliberate: no, or not known), starts informally and can be escalated later.
    """
    grounds = []
    if severity == BreachCase.Severity.SERIOUS:
        grounds.append("serious")
    if deliberate == BreachCase.Deliberate.YES:
        grounds.append("deliberate")
    if continued:
        grounds.append("continued")
    if grounds:
        listed = grounds[0] if len(grounds) == 1 else ", ".join(grounds[:-1]) + " and " + grounds[-1]
        return Route(Track.FORMAL, f"Formal track, decided by the panel: the breach is {listed}.")
    if deliberate == BreachCase.Deliberate.NOT_KNOWN:
        return Route(
            Track.INFORMAL,
            "Informal track, handled by the programme manager: minor and not continued, with no evidence that it "
            "was deliberate. Escalate it if such evidence comes to light.",
        )
    return Route(
        Track.INFORMAL, "Informal track, handled by the programme manager: minor, not deliberate and not continued."
    )


# --- Checks shared by the state changes ------------------------------------------------------


def _locked(case: BreachCase, expected_version: int | None) -> BreachCase:
    # Only the case's row is locked, not the partnership's or the organisation's.
    locked = (
        BreachCase.objects.select_for_update(of=("self",))
        .select_related("partnership", "respondent_organisation")
        .get(pk=case.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise CaseChanged()
    return locked


def _check_no_conflict(case: BreachCase, actor: User) -> None:
    """C4PC: "A Partner with a potential conflict of interest will not participate
    in any decision or perform any other service until the potential conflict is resolved"."""
    check = decision_participation_check(
        user=actor, organisation=case.respondent_organisation, person_name=case.respondent_person_name
    )
    if not check.allowed:
        raise BreachError(check.reason)


def _check_may(case: BreachCase, action: str, actor: User) -> None:
    """The move is open from the case's status, the actor holds its role, and no conflict stops them."""
    rule = BreachCase.TRANSITIONS.get((action, case.status))
    if rule is None:
        raise BreachError(f"This case is {STATUS_PHRASES[case.status]}, so it cannot be {ACTION_PHRASES[action]}.")
    role = rule[1]
    if not selectors.holds_role(actor, case.partnership_id, role):
        raise BreachError(
            f"Only {ROLE_PHRASES[role]} of {case.partnership} "
            f"can {ACTION_VERBS[action]} a case {STATUS_PHRASES[case.status]}."
        )
    _check_no_conflict(case, actor)


def conflict_refusal(*, case: BreachCase, actor: User) -> str:
    """Why a declared conflict of interest stops the actor taking part in the case, or "" if none does."""
    try:
        _check_no_conflict(case, actor)
    except BreachError as refusal:
        return refusal.message
    return ""


def action_refusal(*, case: BreachCase, action: str, actor: User) -> str:
    """Why the actor may not take this action on the case as it stands, or "" if they may."""
    try:
        _check_may(case, action, actor)
    except BreachError as refusal:
        return refusal.message
    return ""


def _required(text: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise BreachError(message)
    return text


def _move(
    case: BreachCase, *, action: str, to_status: str, actor: User | None, reason: str, fields: Iterable[str] = ()
) -> CaseEvent:
    from_status = case.status
    if to_status not in BreachCase.TRANSITIONS[(action, from_status)][0]:
        raise BreachError(f"A case {STATUS_PHRASES[from_status]} cannot become {STATUS_PHRASES[to_status]}.")
    case.status = to_status
    case.version += 1
    case.save(update_fields=["status", "version", *fields])
    return _event(case, action=action, from_status=from_status, to_status=to_status, actor=actor, reason=reason)


def _event(
    case: BreachCase, *, action: str, from_status: str, to_status: str, actor: User | None, reason: str = ""
) -> CaseEvent:
    """The case's own history, and the hash-chained log across the apps."""
    event = CaseEvent.objects.create(
        case=case, action=action, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    audit_record(
        actor=actor,
        action=f"breach_case.{action}",
        subject=case,
        summary=f"Case {case.reference}: {event.get_action_display()} ({from_status or 'new'} → {to_status})",
        reason=reason,
    )
    return event


def _email(case: BreachCase, kind: str) -> None:
    """Record the email in this transaction; Celery sends it once the transaction commits."""
    email = CaseEmail.objects.create(case=case, kind=kind)
    task_enqueue("breaches.tasks.send_case_email", case_email_id=email.pk)


def _evidence_add(case: BreachCase, *, upload, source: str, actor: User | None) -> Evidence:
    refusal = evidence_refusal(upload)
    if refusal:
        raise BreachError(refusal)
    kind = evidence_kind(upload)
    evidence = Evidence(
        case=case,
        source=source,
        original_name=(upload.name or "file")[-255:],
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=actor,
        scan=Evidence.Scan.HELD if virus_scan.scanner_configured() else Evidence.Scan.NOT_SCANNED,
    )
    evidence.file.save(upload.name or "file", upload, save=False)
    evidence.save()
    if evidence.scan == Evidence.Scan.HELD:
        task_enqueue("breaches.tasks.scan_evidence", evidence_id=evidence.pk)
    return evidence


def evidence_scan(*, evidence_id: int) -> Evidence | None:
    """Before: the file is held, unserved, waiting for the virus scanner. After: scanned
    clean, it is served; found infected, it is deleted, refused, and the audit log records
    it. If the scanner cannot answer, ScannerUnavailable is raised and the file stays held
    (its attempts counted) for `scan_held_evidence` to try again. A file no longer held
    (scanned by an earlier run) is left as it is."""
    evidence = Evidence.objects.filter(pk=evidence_id, scan=Evidence.Scan.HELD).first()
    if evidence is None:
        return None
    # The scan runs outside the transaction: it may take seconds, and no lock is held meanwhile.
    try:
        with evidence.file.open("rb") as handle:
            verdict = virus_scan.scan(handle)
    except virus_scan.ScannerUnavailable:
        Evidence.objects.filter(pk=evidence_id).update(scan_attempts=F("scan_attempts") + 1)
        raise
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().filter(pk=evidence_id, scan=Evidence.Scan.HELD).first()
        if evidence is None:
            return None
        evidence.scan_attempts += 1
        evidence.scanned_at = timezone.now()
        if not verdict.infected:
            evidence.scan = Evidence.Scan.CLEAN
            evidence.save(update_fields=["scan", "scanned_at", "scan_attempts"])
            return evidence
        stored_name = evidence.file.name
        evidence.scan = Evidence.Scan.REFUSED
        evidence.virus_found = verdict.signature[:200]
        evidence.file = ""
        evidence.save(update_fields=["scan", "scanned_at", "scan_attempts", "virus_found", "file"])
        audit_record(
            actor=None,
            action="evidence.refused",
            subject=evidence,
            summary=f"Evidence for case {evidence.case.reference} refused: the virus scanner found {verdict.signature}",
        )
        storage = evidence.file.storage
        transaction.on_commit(lambda: storage.delete(stored_name))
    return evidence


# --- Reporting ------------------------------------------------------------------------------


def breach_case_report(
    *,
    actor: User | None,
    partnership: Partnership,
    respondent_organisation: Organisation,
    respondent_person_name: str = "",
    incident_date: datetime.date,
    incident_place: str,
    description: str,
    cited_items: Iterable[Item] = (),
    cited_principles: Iterable[Principle] = (),
    confidentiality_breach: bool = False,
    identity: str,
    reporter_name: str = "",
    reporter_email: str = "",
    evidence=None,
    submission: str = "",
) -> tuple[BreachCase, str]:
    """Record a concern about a partner organisation.

    Before: the organisation was a member of the partnership on the incident
    date, which is not in the future; the items cited belong to the version of
    the code in force that day. After: a reported case with its deadlines set
    from the partnership's policy and its history row; the programme manager is
    emailed (at once, separately, when it is a breach of confidentiality, as
    C4PC asks) and so is a reporter who gave an address. Returns the case and,
    for a reporter without an account or who chose anonymity, the receipt code
    (shown once, never stored) or "" otherwise.

    `submission` is the one-off receipt code the report form was given when shown:
    the same form sent again, even at the same moment, returns the case it made
    (and the same receipt code) rather than making another.
    """
    if identity not in BreachCase.Identity.values:
        raise BreachError("Choose whether to report confidentially or anonymously.")
    today = timezone.localdate()
    if incident_date > today:
        raise BreachError("The date it happened must be today or in the past.")
    if (
        not selectors.respondent_organisations(partnership, incident_date)
        .filter(pk=respondent_organisation.pk)
        .exists()
    ):
        raise BreachError(f"{respondent_organisation} was not a member of {partnership} on that date.")
    version = selectors.code_version_in_force(partnership, incident_date)
    if version is None:
        raise BreachError(f"{partnership} has no published code to report a breach of.")
    cited_items, cited_principles = list(cited_items), list(cited_principles)
    if not cited_items and not cited_principles:
        raise BreachError("Choose at least one part of the code, or a principle of public life, that this concerns.")
    if Item.objects.filter(pk__in=[item.pk for item in cited_items]).exclude(section__version=version).exists():
        raise BreachError("Choose parts of the code in force on the date it happened.")
    reporter = (
        actor if actor is not None and actor.is_authenticated and identity == BreachCase.Identity.CONFIDENTIAL else None
    )
    if identity == BreachCase.Identity.ANONYMOUS or reporter is not None:
        reporter_name = reporter_email = ""
    elif not reporter_name.strip():
        raise BreachError("Enter your name, or choose to report anonymously.")
    submitted_code = receipt_code_normalise(submission) and submission
    code = submitted_code or receipt_code_new()
    submission_sha256 = receipt_code_sha256(code)
    receipt_code = "" if reporter is not None else code
    if submitted_code and (sent := _already_reported(submission_sha256, receipt_code)):
        return sent
    policy = selectors.policy_for(partnership)

    try:
        with transaction.atomic():
            case = BreachCase.objects.create(
                partnership=partnership,
                respondent_organisation=respondent_organisation,
                respondent_person_name=" ".join(respondent_person_name.split()),
                incident_date=incident_date,
                incident_place=_required(incident_place, "Enter where it happened."),
                description=_required(description, "Describe what happened."),
                code_version=version,
                confidentiality_breach=confidentiality_breach,
                identity=identity,
                reporter=reporter,
                reporter_name=reporter_name.strip(),
                reporter_email=reporter_email.strip(),
                receipt_code_sha256=receipt_code_sha256(receipt_code) if receipt_code else None,
                submission_sha256=submission_sha256,
                reported_at=timezone.now(),
                triage_due_on=add_working_days(today, policy.triage_target_working_days),
                acknowledge_due_on=today + datetime.timedelta(days=policy.acknowledgement_days),
                feedback_due_on=add_months(today, policy.feedback_months),
            )
            case.cited_items.set(cited_items)
            case.cited_principles.set(cited_principles)
            if evidence is not None:
                _evidence_add(case, upload=evidence, source=Evidence.Source.REPORTER, actor=reporter)
            # An anonymous report's history names nobody, even when sent from an account.
            _event(case, action=Action.REPORT, from_status="", to_status=Status.REPORTED, actor=reporter)
            if confidentiality_breach:
                _email(case, CaseEmail.Kind.CONFIDENTIALITY)
            _email(case, CaseEmail.Kind.REPORTED)
            if reporter is not None or case.reporter_email:
                _email(case, CaseEmail.Kind.RECEIVED)
    except IntegrityError:
        # The same form sent at the same moment: the other request's case won the unique hash.
        if not submitted_code or (sent := _already_reported(submission_sha256, receipt_code)) is None:
            raise
        return sent
    return case, receipt_code


def _already_reported(submission_sha256: str, receipt_code: str) -> tuple[BreachCase, str] | None:
    case = BreachCase.objects.filter(submission_sha256=submission_sha256).first()
    if case is None:
        return None
    return case, receipt_code if case.receipt_code_sha256 else ""


# --- Triage and routing ----------------------------------------------------------------------


def breach_case_triage(
    *,
    case: BreachCase,
    expected_version: int,
    actor: User,
    severity: str,
    deliberate: str,
    respondent_summary: str,
    note: str = "",
) -> BreachCase:
    """Assess a reported case and route it.

    Before: the case is reported; the actor is its partnership's programme
    manager with no unresolved conflict concerning the respondent. After:
    severity and deliberateness as assessed, "continued" computed from the
    respondent's history (never typed), the track chosen by
    `breach_case_route` with its reason, the respondent told the case concerns
    them (never who reported it) and given the policy's days to respond, the
    panel asked to decide a formal case, and the history row.
    """
    if severity not in BreachCase.Severity.values:
        raise BreachError("Choose whether the breach is minor or serious.")
    if deliberate not in BreachCase.Deliberate.values:
        raise BreachError("Choose whether the breach was deliberate.")
    respondent_summary = _required(respondent_summary, "Write what the respondent will be told the concern is.")
    with transaction.atomic():
        case = _locked(case, expected_version)
        _check_may(case, Action.TRIAGE, actor)
        history = selectors.respondent_history(case)
        route = breach_case_route(severity=severity, deliberate=deliberate, continued=history.continued)
        now = timezone.now()
        case.severity, case.deliberate, case.continued = severity, deliberate, history.continued
        case.track, case.routing_reason = route.track, route.reason
        case.respondent_summary = respondent_summary
        case.triaged_at = case.respondent_notified_at = now
        policy = selectors.policy_for(case.partnership)
        case.response_due_on = timezone.localdate(now) + datetime.timedelta(days=policy.response_days)
        case.decision_due_on = add_working_days(timezone.localdate(now), policy.decision_target_working_days)
        reason = "\n\n".join(
            part for part in (route.reason, history.explanation if history.continued else "", note.strip()) if part
        )
        _move(
            case,
            action=Action.TRIAGE,
            to_status=route.track,
            actor=actor,
            reason=reason,
            fields=[
                "severity",
                "deliberate",
                "continued",
                "track",
                "routing_reason",
                "respondent_summary",
                "triaged_at",
                "respondent_notified_at",
                "response_due_on",
                "decision_due_on",
            ],
        )
        _email(case, CaseEmail.Kind.RESPONDENT_TOLD)
        if route.track == Track.FORMAL:
            _email(case, CaseEmail.Kind.PANEL_REFERRAL)
    return case


def breach_case_escalate(*, case: BreachCase, expected_version: int, actor: User, reason: str) -> BreachCase:
    """Send an informal case to the panel.

    Before: the case is in informal resolution; the actor is the programme
    manager. After: the formal track with the reason recorded, the respondent
    told and given a fresh period to respond, the panel asked to decide.
    """
    reason = _required(reason, "Give the reason for escalating this case to the panel.")
    with transaction.atomic():
        case = _locked(case, expected_version)
        _check_may(case, Action.ESCALATE, actor)
        case.track, case.routing_reason = Track.FORMAL, f"Escalated to the panel: {reason}"
        case.response_due_on = timezone.localdate() + datetime.timedelta(
            days=selectors.policy_for(case.partnership).response_days
        )
        _move(
            case,
            action=Action.ESCALATE,
            to_status=Status.FORMAL,
            actor=actor,
            reason=reason,
            fields=["track", "routing_reason", "response_due_on"],
        )
        _email(case, CaseEmail.Kind.PANEL_REFERRAL)
        _email(case, CaseEmail.Kind.TRACK_CHANGED)
    return case


def breach_case_de_escalate(*, case: BreachCase, expected_version: int, actor: User, reason: str) -> BreachCase:
    """Return a formal case to informal resolution; this always needs a recorded reason.

    Before: the case is under formal investigation; the actor is the programme
    manager. After: the informal track, the reason recorded, the respondent told.
    """
    reason = _required(reason, "Give the reason for returning this case to informal resolution.")
    with transaction.atomic():
        case = _locked(case, expected_version)
        _check_may(case, Action.DE_ESCALATE, actor)
        case.track, case.routing_reason = Track.INFORMAL, f"Returned to informal resolution: {reason}"
        _move(
            case,
            action=Action.DE_ESCALATE,
            to_status=Status.INFORMAL,
            actor=actor,
            reason=reason,
            fields=["track", "routing_reason"],
        )
        _email(case, CaseEmail.Kind.TRACK_CHANGED)
    return case


# --- Panels ---------------------------------------------------------------------------------


def panel_member_refusal(*, case: BreachCase, member: User) -> str:
    """Why this person cannot sit on a panel about the case, or "" if they can: they
    must hold the panel role, and be neither involved in the case nor conflicted."""
    name = member.display_name
    if not selectors.holds_role(member, case.partnership_id, PartnershipRole.Role.PANEL_MEMBER):
        return f"{name} is not a panel member of {case.partnership}."
    involved = selectors.involvement(member, case)
    if involved:
        return f"{name} cannot sit on the panel: they {involved}."
    check = decision_participation_check(
        user=member, organisation=case.respondent_organisation, person_name=case.respondent_person_name
    )
    if not check.allowed:
        return f"{name} cannot sit on the panel: {check.reason_about(member)}"
    return ""


def _check_may_convene(case: BreachCase, actor: User) -> None:
    if case.status != Status.FORMAL:
        raise BreachError(f"This case is {STATUS_PHRASES[case.status]}: only a formal case goes to a panel.")
    if not any(
        selectors.holds_role(actor, case.partnership_id, role)
        for role in (PartnershipRole.Role.CHAIR, PartnershipRole.Role.PROGRAMME_MANAGER)
    ):
        raise BreachError(f"Only the chair or the programme manager of {case.partnership} can convene a panel.")
    if Panel.objects.filter(case=case).exists():
        raise BreachError("This case already has a panel.")
    _check_no_conflict(case, actor)


def _check_may_give_view(case: BreachCase, actor: User) -> Panel:
    if case.status != Status.FORMAL:
        raise BreachError(f"This case is {STATUS_PHRASES[case.status]}: views can no longer be given.")
    panel = selectors.decision_panel(case)
    if not selectors.sits_on(actor, panel):
        raise BreachError("Only a member of this case's panel can give a view on it.")
    if panel.views.filter(member=actor).exists():
        raise BreachError("You have already given your view on this case.")
    _check_no_conflict(case, actor)
    return panel


def convene_refusal(*, case: BreachCase, actor: User) -> str:
    """Why the actor may not convene a panel for the case as it stands, or "" if they may."""
    try:
        _check_may_convene(case, actor)
    except BreachError as refusal:
        return refusal.message
    return ""


def view_refusal(*, case: BreachCase, actor: User) -> str:
    """Why the actor may not give a view on the case as it stands, or "" if they may."""
    try:
        _check_may_give_view(case, actor)
    except BreachError as refusal:
        return refusal.message
    return ""


def breach_case_panel_convene(*, case: BreachCase, expected_version: int, actor: User, members: list[User]) -> Panel:
    """Convene the panel that decides a formal case.

    Before: the case is under formal investigation with no panel yet; the actor
    is the chair or the programme manager, with no conflict; exactly as many members as the
    partnership's panel size, each a panel member neither involved in the case
    (the reporter, a partner at the respondent's organisation, an earlier
    handler) nor conflicted (the decision check). After: the panel, its rule
    (majority or unanimity) fixed from the policy, the history row.
    """
    members = list(dict.fromkeys(members))
    with transaction.atomic():
        case = _locked(case, expected_version)
        _check_may_convene(case, actor)
        policy = selectors.policy_for(case.partnership)
        if len(members) != policy.panel_size:
            raise BreachError(f"Choose {policy.panel_size} members for the panel.")
        refusals = [refusal for member in members if (refusal := panel_member_refusal(case=case, member=member))]
        if refusals:
            raise BreachError(" ".join(refusals))
        panel = Panel.objects.create(
            case=case, size=policy.panel_size, unanimous=policy.panel_unanimous, convened_by=actor
        )
        PanelMember.objects.bulk_create(PanelMember(panel=panel, member=member) for member in members)
        names = ", ".join(member.display_name for member in members)
        case.version += 1
        case.save(update_fields=["version"])
        _event(
            case,
            action=Action.CONVENE,
            from_status=case.status,
            to_status=case.status,
            actor=actor,
            reason=f"Panel of {names}; {panel.rule}.",
        )
    return panel


def breach_case_panel_view_record(*, case: BreachCase, actor: User, outcome: str, reasons: str) -> PanelView:
    """A panel member records their view of the outcome, with reasons.

    Before: the case is under formal investigation; the actor sits on its panel,
    has not given a view yet and has no conflict. After: the view, kept whatever
    the panel decides (a dissent stays in the record), and the audit entry.
    """
    reasons = _required(reasons, "Give the reasons for your view.")
    if outcome not in BreachCase.OUTCOMES[Track.FORMAL]:
        raise BreachError("Choose the outcome you think right.")
    with transaction.atomic():
        case = _locked(case, None)
        panel = _check_may_give_view(case, actor)
        view = PanelView.objects.create(panel=panel, member=actor, outcome=outcome, reasons=reasons)
        audit_record(
            actor=actor,
            action="breach_case.panel_view",
            subject=case,
            summary=f"Case {case.reference}: {actor.display_name} gave a view: {view.get_outcome_display()}",
            reason=reasons,
        )
    return view


def _check_panel_decides(case: BreachCase, *, actor: User, outcome: str) -> str:
    """A formal case is decided by its panel: quorum, the majority (or unanimity)
    and a member (or an administrator) recording it. Returns the tally for the record."""
    panel = selectors.decision_panel(case)
    if panel is None:
        raise BreachError("A panel must be convened to decide this case.")
    if not (selectors.sits_on(actor, panel) or is_administrator(actor)):
        raise BreachError("Only a member of this case's panel can record its decision.")
    verdict = selectors.panel_verdict(panel)
    if not verdict.outcome:
        raise BreachError(verdict.explanation)
    if outcome != verdict.outcome:
        raise BreachError(
            f"The panel's decision is {BreachCase.Outcome(verdict.outcome).label.lower()}: record that outcome."
        )
    return verdict.explanation


# --- Fairness and outcomes -------------------------------------------------------------------


def breach_case_respond(*, case: BreachCase, actor: User, text: str, evidence=None) -> CaseMessage:
    """The respondent answers the concern in writing, before any decision.

    Before: the actor is a partner in the respondent organisation, which has been
    told of the case, and the case is not yet decided. After: the response (and
    any file) is kept and those handling the case are emailed.
    """
    text = _required(text, "Write your response.")
    with transaction.atomic():
        case = _locked(case, None)
        if not selectors.is_respondent(actor, case):
            raise BreachError("Only a partner in the organisation the case concerns can respond to it.")
        if case.status not in (Status.INFORMAL, Status.FORMAL):
            raise BreachError(f"This case is {STATUS_PHRASES[case.status]}: responses can no longer be added.")
        message = CaseMessage.objects.create(case=case, kind=CaseMessage.Kind.RESPONSE, author=actor, text=text)
        if evidence is not None:
            _evidence_add(case, upload=evidence, source=Evidence.Source.RESPONDENT, actor=actor)
        _email(case, CaseEmail.Kind.RESPONSE)
    return message


def breach_case_decide(
    *,
    case: BreachCase,
    expected_version: int,
    actor: User,
    outcome: str,
    finding: str,
    reasons: str,
    wider_causes: str,
    lessons: str,
    suspended_until: datetime.date | None = None,
) -> BreachCase:
    """Decide a case: the programme manager an informal one, the panel a formal one.

    Before: the actor holds the track's role with no conflict concerning the
    respondent; the respondent has responded or their time to respond has run
    out; the outcome is one the track allows; on the formal track, the case's
    panel has a quorum and its majority (or, by policy, all of it) chose this
    outcome, and the actor sits on it (or administers the site); the tally and
    any dissent go into the history row. After: the finding, reasons,
    wider causes and lessons recorded (the NHS managers' code: "address their
    wider causes"); a termination ends the organisation's membership of the
    partnership and its signatures of the code, with this case as the reason;
    a suspension suspends the organisation (or the named person) until its end
    date, so that the decision check refuses them, citing this case;
    the respondent and the programme manager are told; the history row.
    """
    finding = _required(finding, "Write the finding.")
    reasons = _required(reasons, "Give the reasons for the decision.")
    wider_causes = _required(wider_causes, "Describe the wider causes, or write that none were found.")
    lessons = _required(lessons, "Describe the lessons to learn, or write that there are none.")
    with transaction.atomic():
        case = _locked(case, expected_version)
        _check_may(case, Action.DECIDE, actor)
        if outcome not in BreachCase.OUTCOMES[case.track]:
            allowed = " or ".join(BreachCase.Outcome(value).label.lower() for value in BreachCase.OUTCOMES[case.track])
            raise BreachError(f"A case on the {case.track} track can be decided only as {allowed}.")
        responded = case.messages.filter(kind=CaseMessage.Kind.RESPONSE).exists()
        if not responded and case.response_window_open:
            raise BreachError(
                f"The respondent has until {date_format(case.response_due_on, 'j F Y')} to respond in writing. "
                "Decide once they have responded or that date has passed."
            )
        tally = _check_panel_decides(case, actor=actor, outcome=outcome) if case.track == Track.FORMAL else ""
        today = timezone.localdate()
        if outcome == BreachCase.Outcome.SUSPENSION:
            _check_suspension_end(suspended_until, today=today)
        else:
            suspended_until = None
        case.outcome, case.finding, case.reasons = outcome, finding, reasons
        case.wider_causes, case.lessons, case.suspended_until = wider_causes, lessons, suspended_until
        case.decided_at, case.decided_by = timezone.now(), actor
        _move(
            case,
            action=Action.DECIDE,
            to_status=Status.DECIDED,
            actor=actor,
            reason=" ".join(part for part in (f"{case.get_outcome_display()}.", tally, reasons) if part),
            fields=[
                "outcome",
                "finding",
                "reasons",
                "wider_causes",
                "lessons",
                "suspended_until",
                "decided_at",
                "decided_by",
            ],
        )
        if outcome == BreachCase.Outcome.TERMINATION:
            _terminate_membership(case, actor=actor, today=today)
        if outcome == BreachCase.Outcome.SUSPENSION:
            case.suspension = _suspend(case, until=suspended_until, actor=actor, by="the decision")
            case.save(update_fields=["suspension"])
        _email(case, CaseEmail.Kind.DECISION)
    return case


def _check_suspension_end(until: datetime.date | None, *, today: datetime.date) -> None:
    refusal = suspension_end_refusal(until, today=today)
    if refusal:
        raise BreachError({"suspended_until": refusal})


def _suspend(case: BreachCase, *, until: datetime.date, actor: User, by: str) -> Suspension:
    return suspension_start(
        partnership=case.partnership,
        organisation=case.respondent_organisation,
        person_name=case.respondent_person_name,
        ends_on=until,
        reason=f"Suspended by {by} on breach case {case.reference}.",
        actor=actor,
    )


def _terminate_membership(case: BreachCase, *, actor: User, today: datetime.date) -> None:
    membership = Membership.objects.filter(
        organisation_id=case.respondent_organisation_id, partnership_id=case.partnership_id, ended_on__isnull=True
    ).first()
    if membership is None:
        raise BreachError(f"{case.respondent_organisation} is no longer a member of {case.partnership}.")
    try:
        membership_end(
            membership=membership,
            ended_on=today,
            reason=f"Partnership terminated by the decision on breach case {case.reference}.",
            actor=actor,
        )
    except ConductError as error:
        raise BreachError(error.message) from error


def breach_case_close(*, case: BreachCase, expected_version: int, actor: User, feedback: str) -> BreachCase:
    """Close a decided case with final feedback to the reporter.

    Before: the case is decided; the actor is the programme manager. After:
    closed, the feedback kept for the reporter, the reporter and the respondent
    told, the history row.
    """
    feedback = _required(feedback, "Write the final feedback for the person who reported the concern.")
    with transaction.atomic():
        case = _locked(case, expected_version)
        _check_may(case, Action.CLOSE, actor)
        now = timezone.now()
        CaseMessage.objects.create(case=case, kind=CaseMessage.Kind.FEEDBACK, author=actor, text=feedback, at=now)
        case.feedback_given_at = case.feedback_given_at or now
        case.acknowledged_at = case.acknowledged_at or now
        _move(
            case,
            action=Action.CLOSE,
            to_status=Status.CLOSED,
            actor=actor,
            reason=feedback,
            fields=["feedback_given_at", "acknowledged_at"],
        )
        _email(case, CaseEmail.Kind.CLOSED)
    return case


def breach_case_withdraw(*, case: BreachCase, expected_version: int, actor: User, reason: str) -> BreachCase:
    """Withdraw a case before it is decided (a duplicate, a report taken back).

    Before: the case is open; the actor is the programme manager. After:
    withdrawn with the reason recorded; the reporter and, if it was told, the respondent informed.
    """
    reason = _required(reason, "Give the reason for withdrawing this case.")
    with transaction.atomic():
        case = _locked(case, expected_version)
        _check_may(case, Action.WITHDRAW, actor)
        _move(case, action=Action.WITHDRAW, to_status=Status.WITHDRAWN, actor=actor, reason=reason)
        _email(case, CaseEmail.Kind.CLOSED)
    return case


# --- The anonymised register ----------------------------------------------------------------


def breach_case_publish(
    *, case: BreachCase, expected_version: int, actor: User, summary: str, lessons: str
) -> PublishedCase:
    """Publish a decided case on the partnership's anonymised register, so that its lessons
    are shared.

    Before: the case is decided or closed and not yet published; the actor is its programme
    manager. The words are written for publication and name no one: the service refuses any
    that hold the name of the reporter, of the respondent or of any member organisation of
    the partnership. After: the register entry, a history row and the audit log; the case
    itself keeps its status.
    """
    errors = {}
    words = {"summary": summary.strip(), "lessons": lessons.strip()}
    for field, text in words.items():
        if not text:
            errors[field] = "Write " + ("what happened" if field == "summary" else "the lessons") + " for publication."
    with transaction.atomic():
        case = _locked(case, expected_version)
        _check_may(case, Action.PUBLISH, actor)
        if PublishedCase.objects.filter(case=case).exists():
            raise BreachError("This case is already on the anonymised register.")
        for field, text in words.items():
            named = selectors.names_in(text, case=case)
            if text and named:
                errors[field] = (
                    f"Take out {named[0]}: the register names no person or organisation. "
                    "Describe them by their part instead, such as “a member organisation”."
                )
        if errors:
            raise BreachError(errors)
        publication = PublishedCase.objects.create(
            case=case,
            partnership=case.partnership,
            track=case.track,
            outcome=case.outcome,
            decided_in=timezone.localdate(case.decided_at).replace(day=1),
            summary=words["summary"],
            lessons=words["lessons"],
            published_by=actor,
        )
        publication.cited_items.set(case.cited_items.all())
        publication.cited_principles.set(case.cited_principles.all())
        _move(case, action=Action.PUBLISH, to_status=case.status, actor=actor, reason="")
    return publication


# --- Appeals --------------------------------------------------------------------------------


def appeal_lodge_refusal(*, case: BreachCase, actor: User) -> str:
    """Why the actor may not appeal against the case's decision, or "" if they may:
    only the respondent, against an upheld formal decision, once, within the policy's window."""
    if not selectors.is_respondent(actor, case):
        return "Only a partner in the organisation the case concerns can appeal against its decision."
    if case.track != Track.FORMAL or case.outcome not in Appeal.APPEALABLE:
        return "Only a formal warning, a suspension or a termination can be appealed against."
    if Appeal.objects.filter(case=case).exists():
        return "This decision has already been appealed against."
    last_day = selectors.appeal_last_day(case)
    if timezone.localdate() > last_day:
        return f"The time to appeal ended on {date_format(last_day, 'j F Y')}."
    return ""


def breach_case_appeal(*, case: BreachCase, actor: User, grounds: str) -> Appeal:
    """The respondent appeals against a formal decision, stating their grounds.

    Before: the actor is a partner in the respondent organisation; the case was decided on the
    formal track as a warning, a suspension or a termination, and has not been appealed; today
    is within the partnership's appeal window from the decision. After: the appeal, lodged; the
    decision stands (and any sanction runs) until the appeal is decided; the history row; the
    programme manager and the chair are emailed to convene a panel to hear it.
    """
    grounds = _required(grounds, "Give your grounds of appeal.")
    with transaction.atomic():
        case = _locked(case, None)
        refusal = appeal_lodge_refusal(case=case, actor=actor)
        if refusal:
            raise BreachError(refusal)
        appeal = Appeal.objects.create(case=case, grounds=grounds, lodged_by=actor)
        case.version += 1
        case.save(update_fields=["version"])
        _event(case, action=Action.APPEAL, from_status=case.status, to_status=case.status, actor=actor, reason=grounds)
        _email(case, CaseEmail.Kind.APPEAL)
    return appeal


def appeal_panel_member_refusal(*, case: BreachCase, member: User) -> str:
    """Why this person cannot hear the appeal, or "" if they can: as for any panel on the case,
    and never one who took the decision appealed against (sat on its panel or recorded it)."""
    deciders = selectors.original_deciders(case)
    if member.pk in deciders:
        return f"{member.display_name} cannot hear the appeal: they took part in the decision appealed against."
    return panel_member_refusal(case=case, member=member)


def _check_may_convene_appeal(case: BreachCase, actor: User) -> Appeal:
    appeal = Appeal.objects.filter(case=case).first()
    if appeal is None or appeal.status != Appeal.Status.LODGED:
        raise BreachError("There is no appeal waiting to be heard on this case.")
    if not any(
        selectors.holds_role(actor, case.partnership_id, role)
        for role in (PartnershipRole.Role.CHAIR, PartnershipRole.Role.PROGRAMME_MANAGER)
    ):
        raise BreachError(f"Only the chair or the programme manager of {case.partnership} can convene a panel.")
    if Panel.objects.filter(appeal=appeal).exists():
        raise BreachError("This appeal already has a panel.")
    _check_no_conflict(case, actor)
    return appeal


def appeal_convene_refusal(*, case: BreachCase, actor: User) -> str:
    try:
        _check_may_convene_appeal(case, actor)
    except BreachError as refusal:
        return refusal.message
    return ""


def breach_case_appeal_panel_convene(
    *, case: BreachCase, expected_version: int, actor: User, members: list[User]
) -> Panel:
    """Convene the panel that hears an appeal.

    Before: the case has a lodged appeal with no panel; the actor is the chair or the
    programme manager, with no conflict; as many members as the policy's panel size, none
    of whom took the decision appealed against, is involved in the case or is conflicted.
    After: the appeal's panel, its rule fixed from the policy; the history row.
    """
    members = list(dict.fromkeys(members))
    with transaction.atomic():
        case = _locked(case, expected_version)
        appeal = _check_may_convene_appeal(case, actor)
        policy = selectors.policy_for(case.partnership)
        if len(members) != policy.panel_size:
            raise BreachError(f"Choose {policy.panel_size} members for the panel.")
        refusals = [refusal for member in members if (refusal := appeal_panel_member_refusal(case=case, member=member))]
        if refusals:
            raise BreachError(" ".join(refusals))
        panel = Panel.objects.create(
            case=case, appeal=appeal, size=policy.panel_size, unanimous=policy.panel_unanimous, convened_by=actor
        )
        PanelMember.objects.bulk_create(PanelMember(panel=panel, member=member) for member in members)
        case.version += 1
        case.save(update_fields=["version"])
        names = ", ".join(member.display_name for member in members)
        _event(
            case,
            action=Action.APPEAL_CONVENE,
            from_status=case.status,
            to_status=case.status,
            actor=actor,
            reason=f"Appeal panel of {names}; {panel.rule}.",
        )
    return panel


def _check_may_give_appeal_view(case: BreachCase, actor: User) -> Panel:
    appeal = Appeal.objects.filter(case=case).first()
    if appeal is None or appeal.status != Appeal.Status.LODGED:
        raise BreachError("There is no appeal waiting to be heard on this case.")
    panel = selectors.appeal_panel(appeal)
    if not selectors.sits_on(actor, panel):
        raise BreachError("Only a member of the appeal's panel can give a view on it.")
    if panel.views.filter(member=actor).exists():
        raise BreachError("You have already given your view on this appeal.")
    _check_no_conflict(case, actor)
    return panel


def appeal_view_refusal(*, case: BreachCase, actor: User) -> str:
    try:
        _check_may_give_appeal_view(case, actor)
    except BreachError as refusal:
        return refusal.message
    return ""


def breach_case_appeal_view_record(*, case: BreachCase, actor: User, outcome: str, reasons: str) -> PanelView:
    """A member of the appeal's panel records the outcome they think should stand, with reasons.

    Before: the appeal is lodged; the actor sits on its panel, has given no view and has no
    conflict. After: the view, kept whatever the panel decides; the audit entry.
    """
    reasons = _required(reasons, "Give the reasons for your view.")
    if outcome not in BreachCase.OUTCOMES[Track.FORMAL]:
        raise BreachError("Choose the outcome you think should stand.")
    with transaction.atomic():
        case = _locked(case, None)
        panel = _check_may_give_appeal_view(case, actor)
        view = PanelView.objects.create(panel=panel, member=actor, outcome=outcome, reasons=reasons)
        audit_record(
            actor=actor,
            action="breach_case.appeal_view",
            subject=case,
            summary=(
                f"Case {case.reference}: {actor.display_name} gave a view on the appeal: {view.get_outcome_display()}"
            ),
            reason=reasons,
        )
    return view


def _check_may_decide_appeal(case: BreachCase, actor: User) -> tuple[Appeal, str]:
    """The appeal's panel has a quorum and a majority (or unanimity); the actor sits on it (or
    administers the site) with no conflict. Returns the appeal and the outcome the panel chose."""
    appeal = Appeal.objects.filter(case=case).first()
    if appeal is None or appeal.status != Appeal.Status.LODGED:
        raise BreachError("There is no appeal waiting to be decided on this case.")
    panel = selectors.appeal_panel(appeal)
    if panel is None:
        raise BreachError("A panel must be convened to hear this appeal.")
    if not (selectors.sits_on(actor, panel) or is_administrator(actor)):
        raise BreachError("Only a member of the appeal's panel can record its decision.")
    _check_no_conflict(case, actor)
    verdict = selectors.panel_verdict(panel)
    if not verdict.outcome:
        raise BreachError(verdict.explanation)
    return appeal, verdict.outcome


def appeal_decide_refusal(*, case: BreachCase, actor: User) -> str:
    try:
        _check_may_decide_appeal(case, actor)
    except BreachError as refusal:
        return refusal.message
    return ""


def breach_case_appeal_decide(
    *,
    case: BreachCase,
    expected_version: int,
    actor: User,
    reasons: str,
    reporter_feedback: str,
    suspended_until: datetime.date | None = None,
) -> Appeal:
    """Record the appeal panel's decision and make it take effect.

    Before: as `_check_may_decide_appeal`; a variation to suspension has an end date after
    today. After: the appeal records its result (upheld, overturned, or varied to the panel's
    outcome), the outcome that now stands and the tally; the case's own decision is left as it
    was. The effects follow through conduct's services: a suspension no longer standing is
    lifted; a termination no longer standing restores the membership and asks its partners to
    sign again; a new suspension or termination starts. The respondent and the programme
    manager are emailed; the reporter gets the feedback written for them, as after any
    decision (never the panel's reasons); the history row.
    """
    reasons = _required(reasons, "Give the reasons for the appeal's decision.")
    reporter_feedback = _required(reporter_feedback, "Write what the person who reported the concern is told.")
    with transaction.atomic():
        case = _locked(case, expected_version)
        appeal, outcome = _check_may_decide_appeal(case, actor)
        tally = selectors.panel_verdict(selectors.appeal_panel(appeal)).explanation
        today = timezone.localdate()
        if outcome == BreachCase.Outcome.SUSPENSION and outcome != case.outcome:
            _check_suspension_end(suspended_until, today=today)
        else:
            suspended_until = case.suspended_until if outcome == case.outcome else None
        if outcome == case.outcome:
            result = Appeal.Result.UPHELD
        elif outcome == BreachCase.Outcome.NOT_UPHELD:
            result = Appeal.Result.OVERTURNED
        else:
            result = Appeal.Result.VARIED
        appeal.status, appeal.result, appeal.outcome = Appeal.Status.DECIDED, result, outcome
        appeal.suspended_until, appeal.reasons = suspended_until, reasons
        appeal.decided_at, appeal.decided_by = timezone.now(), actor
        if result != Appeal.Result.UPHELD:
            _appeal_effects(case, appeal, actor=actor, today=today)
        appeal.save()
        case.version += 1
        case.save(update_fields=["version"])
        _event(
            case,
            action=Action.APPEAL_DECIDE,
            from_status=case.status,
            to_status=case.status,
            actor=actor,
            reason=f"{appeal.outcome_phrase}. {tally} {reasons}",
        )
        CaseMessage.objects.create(case=case, kind=CaseMessage.Kind.FEEDBACK, author=actor, text=reporter_feedback)
        _email(case, CaseEmail.Kind.APPEAL_DECISION)
        _email(case, CaseEmail.Kind.TO_REPORTER)
    return appeal


def _appeal_effects(case: BreachCase, appeal: Appeal, *, actor: User, today: datetime.date) -> None:
    """Undo what the decision appealed against did, then do what the outcome now standing does."""
    why = f"The decision on breach case {case.reference} was {appeal.result} on appeal."
    if case.outcome == BreachCase.Outcome.SUSPENSION and case.suspension_id:
        suspension_lift(suspension=case.suspension, reason=why, actor=actor)
    if case.outcome == BreachCase.Outcome.TERMINATION:
        membership = (
            Membership.objects.filter(
                organisation_id=case.respondent_organisation_id,
                partnership_id=case.partnership_id,
                ended_on__isnull=False,
            )
            .order_by("-ended_on", "-pk")
            .first()
        )
        if membership is not None:
            try:
                membership_restore(membership=membership, reason=why, actor=actor)
            except ConductError as error:
                raise BreachError(error.message) from error
    if appeal.outcome == BreachCase.Outcome.SUSPENSION:
        appeal.suspension = _suspend(case, until=appeal.suspended_until, actor=actor, by="the appeal")
    if appeal.outcome == BreachCase.Outcome.TERMINATION:
        _terminate_membership(case, actor=actor, today=today)


# --- Between those handling a case and the reporter ------------------------------------------


def breach_case_message_reporter(*, case: BreachCase, actor: User, kind: str, text: str) -> CaseMessage:
    """Acknowledge a report, ask the reporter a question, or tell them what is being done.

    Before: the case is not closed or withdrawn; the actor handles it and has
    no conflict concerning the respondent. After: the message, kept for the
    reporter (and emailed when they gave an address); the first acknowledgement
    and the first feedback are dated, for the whistleblowing timescales.
    """
    if kind not in CaseMessage.TO_REPORTER:
        raise BreachError("Choose what kind of message this is.")
    text = _required(text, "Write the message.")
    with transaction.atomic():
        case = _locked(case, None)
        if not selectors.may_message_reporter(actor, case):
            raise BreachError("Only those handling this case can write to the person who reported it.")
        _check_no_conflict(case, actor)
        message = CaseMessage.objects.create(case=case, kind=kind, author=actor, text=text)
        # Feedback on what is being done is also an acknowledgement that the report arrived.
        if case.acknowledged_at is None:
            case.acknowledged_at = message.at
        if kind == CaseMessage.Kind.FEEDBACK and case.feedback_given_at is None:
            case.feedback_given_at = message.at
        case.save(update_fields=["acknowledged_at", "feedback_given_at"])
        _email(case, CaseEmail.Kind.TO_REPORTER)
    return message


def breach_case_add_information(*, case: BreachCase, actor: User | None, text: str, evidence=None) -> CaseMessage:
    """The reporter answers a question or adds information (and perhaps a file).

    Before: the case is not closed or withdrawn; a report made from an account
    is added to from that account only; a report made with a receipt code is
    added to by whoever the view let in with that code. After: the message,
    naming nobody for an anonymous report; those handling the case are emailed.
    """
    if not text.strip() and evidence is None:
        raise BreachError("Write the information you want to add, or choose a file.")
    with transaction.atomic():
        case = _locked(case, None)
        if case.reporter_id and (actor is None or actor.pk != case.reporter_id):
            raise BreachError("Only the person who reported this concern can add to it.")
        if case.status in (Status.CLOSED, Status.WITHDRAWN):
            raise BreachError(f"This case is {STATUS_PHRASES[case.status]}: information can no longer be added.")
        author = actor if case.reporter_id else None
        message = CaseMessage.objects.create(
            case=case,
            kind=CaseMessage.Kind.REPORTER_INFORMATION,
            author=author,
            text=text.strip() or "(A file was added.)",
        )
        if evidence is not None:
            _evidence_add(case, upload=evidence, source=Evidence.Source.REPORTER, actor=author)
        _email(case, CaseEmail.Kind.REPORTER_INFORMATION)
    return message


# --- Need to know ----------------------------------------------------------------------------


def breach_case_reporter_reveal(*, case: BreachCase, actor: User, reason: str) -> CaseEvent:
    """Reveal a confidential reporter's identity to one person handling the case, who needs it.

    Before: the case was reported confidentially; the actor handles it (`handles_case`) and no
    conflict stops them. After: the case's history and the audit log record who needed to know,
    when and why, and the reporter's view of the case shows that it was revealed (never to
    whom); the page names the reporter to the actor from then on. Once is enough: a second
    reveal by the same person records nothing and returns the first.
    """
    reason = _required(reason, "Enter why you need to know who reported this concern.")
    with transaction.atomic():
        case = _locked(case, None)
        if case.identity != BreachCase.Identity.CONFIDENTIAL:
            raise BreachError("This concern was reported anonymously: there is no identity to reveal.")
        if not selectors.handles_case(actor, case):
            raise BreachError("Only those handling this case can reveal who reported it.")
        _check_no_conflict(case, actor)
        earlier = case.events.filter(action=Action.REVEAL, actor=actor).first()
        if earlier is not None:
            return earlier
        return _event(
            case, action=Action.REVEAL, from_status=case.status, to_status=case.status, actor=actor, reason=reason
        )


def breach_case_note_add(*, case: BreachCase, actor: User, text: str) -> CaseNote:
    """Keep a note for the others handling the case.

    Before: the actor handles the case and no conflict stops them. After: the note, which
    only those handling the case read (never the reporter or the respondent), and the audit
    entry (which says a note was added, not what it says).
    """
    text = _required(text, "Write the note.")
    with transaction.atomic():
        case = _locked(case, None)
        if not selectors.handles_case(actor, case):
            raise BreachError("Only those handling this case can keep notes on it.")
        _check_no_conflict(case, actor)
        note = CaseNote.objects.create(case=case, author=actor, text=text)
        audit_record(actor=actor, action="breach_case.note", subject=case, summary=f"Case {case.reference}: note added")
    return note


# --- Emails -----------------------------------------------------------------------------------


def case_email_send(*, case_email_id: int) -> bool:
    """Queue one recorded email to each of its recipients; True if it was queued now.

    Safe to run twice: a row locked by another worker or already queued is skipped.
    """
    with transaction.atomic():
        email = (
            CaseEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=case_email_id, sent_at__isnull=True)
            .select_related("case__partnership", "case__respondent_organisation", "case__reporter")
            .first()
        )
        if email is None:
            return False
        email.recipient_count = emails_queue(notifications.case_emails(email))
        email.sent_at = timezone.now()
        email.save(update_fields=["recipient_count", "sent_at"])
    return True


# --- Deadlines ------------------------------------------------------------------------------

# How often a deadline that stays missed is reminded again.
OVERDUE_REMINDER_INTERVAL = datetime.timedelta(days=7)


def _deadline_reminders_due(case: BreachCase, *, today: datetime.date) -> list[str]:
    kinds = []
    if case.status == BreachCase.Status.REPORTED and today > case.triage_due_on:
        kinds.append(CaseEmail.Kind.TRIAGE_OVERDUE)
    if (
        case.status in (BreachCase.Status.INFORMAL, BreachCase.Status.FORMAL)
        and case.decision_due_on
        and today > case.decision_due_on
    ):
        kinds.append(CaseEmail.Kind.DECISION_OVERDUE)
    if case.acknowledged_at is None and (case.acknowledge_due_on - today).days <= ACKNOWLEDGEMENT_WARNING_DAYS:
        kinds.append(CaseEmail.Kind.ACKNOWLEDGEMENT_DUE)
    if case.feedback_given_at is None and (case.feedback_due_on - today).days <= FEEDBACK_WARNING_DAYS:
        kinds.append(CaseEmail.Kind.FEEDBACK_DUE)
    return kinds


def breach_deadline_reminders_send(*, today: datetime.date) -> int:
    """Remind those handling open cases of deadlines: triage or a decision past
    its target (again every week while it stays missed), and an acknowledgement
    or feedback to the reporter about to fall due (once). Safe to run twice, or
    from two beat processes: each case is locked while its reminders are chosen.
    Returns how many reminders were queued."""
    queued = 0
    repeatable = {CaseEmail.Kind.TRIAGE_OVERDUE, CaseEmail.Kind.DECISION_OVERDUE}
    for case_id in BreachCase.objects.filter(status__in=BreachCase.OPEN).values_list("pk", flat=True):
        with transaction.atomic():
            case = BreachCase.objects.select_for_update().get(pk=case_id)
            for kind in _deadline_reminders_due(case, today=today):
                earlier = CaseEmail.objects.filter(case=case, kind=kind)
                if kind in repeatable:
                    earlier = earlier.filter(created_at__gt=timezone.now() - OVERDUE_REMINDER_INTERVAL)
                if not earlier.exists():
                    _email(case, kind)
                    queued += 1
    return queued


# --- Retention: erasing personal data ------------------------------------------------------


def _evidence_erase(evidence: Evidence) -> None:
    if evidence.file.name:
        evidence.file.storage.delete(evidence.file.name)
    Evidence.objects.filter(pk=evidence.pk).update(file="", original_name=ERASED)


def evidence_erase_for_case(*, case_id: int) -> None:
    """Before: a closed case's evidence files are stored under the names they came with.
    After: the files are gone and their names read as erased; their type, size and date stay.
    A file deleted before a rollback is gone anyway, so the names are erased in the same run."""
    for evidence in Evidence.objects.filter(case_id=case_id).exclude(file=""):
        _evidence_erase(evidence)


def anonymous_follow_up_erase(*, case_id: int, reason: str) -> None:
    """Before: an anonymous report's messages and receipt code are kept. After: the
    messages read as erased and the receipt code opens nothing; when each was sent stays."""
    with transaction.atomic():
        BreachCase.objects.filter(pk=case_id, identity=BreachCase.Identity.ANONYMOUS).update(receipt_code_sha256=None)
        CaseMessage.objects.filter(case_id=case_id, case__identity=BreachCase.Identity.ANONYMOUS).erase_personal_data(
            text=ERASED
        )


def breach_case_erase_personal_data(*, case_id: int, reason: str) -> None:
    """Before: a closed case holds who reported it, who it names and every account in
    words. After: those read as erased, its evidence files are gone, and its audit
    entries' words are erased, recorded; the partnership, organisation, dates,
    severity, track, outcome and moves stay for the statistics."""
    evidence_erase_for_case(case_id=case_id)
    with transaction.atomic():
        case = BreachCase.objects.select_for_update().get(pk=case_id)
        case.reporter = None
        case.reporter_email = ""
        # A confidential report keeps a name by constraint: the erased marker stands in.
        case.reporter_name = ERASED if case.identity == BreachCase.Identity.CONFIDENTIAL else ""
        case.receipt_code_sha256 = None
        for field in (
            "respondent_person_name",
            "incident_place",
            "description",
            "respondent_summary",
            "routing_reason",
            "finding",
            "reasons",
            "wider_causes",
            "lessons",
        ):
            if getattr(case, field):
                setattr(case, field, ERASED)
        case.save()
        CaseEvent.objects.filter(case_id=case_id).exclude(reason="").erase_personal_data(reason=ERASED)
        CaseMessage.objects.filter(case_id=case_id).erase_personal_data(text=ERASED)
        CaseNote.objects.filter(case_id=case_id).erase_personal_data(text=ERASED)
        audit_entries_erase(subject_type="breaches.breachcase", subject_id=str(case_id), actor=None, reason=reason)
