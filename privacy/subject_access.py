"""Everything Conduct holds about one person, for a subject access request (UK GDPR
Article 15), gathered through each app's selectors.

Other people's identities are withheld (Article 15(4)): anyone else who acted on the
person's records appears by their part ("someone handling the case", "a reviewer"),
never by name, and a person a concern is about never learns who reported it: the
reporter's name, email, account and own words about the place and the people are
left out of every case about them. What the person wrote themselves is returned as
they wrote it.

The same export is shown as a page and downloaded as JSON: `export_for` builds it
from plain values (text, numbers, dates, lists of records), and `readable` turns
it into lines for the page.
"""

import datetime

from django.utils import timezone

from accounts import selectors as account_selectors
from breaches import selectors as breach_selectors
from conduct import selectors as conduct_selectors
from conduct.models import User
from declarations import selectors as declaration_selectors
from govuk.templatetags.govuk_dates import govuk_date

WITHHELD = "Withheld: this would identify another person"
SOMEONE_HANDLING = "Someone handling the case"


def _by(actor_id: int | None, subject: User, other: str) -> str:
    if actor_id is None:
        return "Conduct, automatically"
    return "You" if actor_id == subject.pk else other


def _section(key: str, title: str, about: str, records: list[dict]) -> dict:
    return {"key": key, "title": title, "about": about, "records": records}


def _account(subject: User) -> list[dict]:
    partner = conduct_selectors.partner_for_user(subject)
    return [
        {
            "Username": subject.username,
            "First name": subject.first_name,
            "Last name": subject.last_name,
            "Email address": subject.email,
            "Organisation": partner.organisation.name if partner else "",
            "Job title": partner.job_title if partner else "",
            "Account opened": subject.date_joined,
            "Last signed in": subject.last_login,
            "Account open": subject.is_active,
            "Administrator": subject.is_staff,
        }
    ]


def _roles(subject: User) -> list[dict]:
    return [
        {"Partnership": role.partnership.name, "Role": role.get_role_display()}
        for role in conduct_selectors.roles_of(subject)
    ]


def _invitation(subject: User) -> list[dict]:
    invitation = account_selectors.invitation_of(subject)
    if invitation is None:
        return []
    return [
        {
            "Invited by": WITHHELD if invitation.invited_by_id else "",
            "First sent": invitation.created_at,
            "Latest link sent": invitation.sent_at,
            "Times sent": invitation.times_sent,
            "Link expires": invitation.expires_at,
            "Accepted": invitation.accepted_at,
        }
    ]


def _signatures(subject: User) -> list[dict]:
    partner = conduct_selectors.partner_for_user(subject)
    if partner is None:
        return []
    return [
        {
            "Code": signature.version.code.title,
            "Version": signature.version.name,
            "Signed": signature.signed_at,
            "Name typed": signature.typed_name,
            "Status": signature.get_status_display(),
            "Ended": signature.ended_at,
            "SHA-256 of the text signed": signature.text_sha256,
            "Receipt reference": str(signature.reference),
        }
        for signature in conduct_selectors.partner_signatures(partner)
    ]


def _revision(revision) -> dict:
    concerning = revision.counterparty_organisation.name if revision.counterparty_organisation else ""
    return {
        "Revision": revision.number,
        "Nil declaration": revision.is_nil,
        "Kind": revision.get_kind_display(),
        "Situation": revision.get_situation_display(),
        "Concerning": concerning or revision.counterparty_name,
        "Description": revision.description,
        "Arose on": revision.arose_on,
        "Ends on": revision.ends_on,
        "Value (£)": str(revision.value) if revision.value is not None else "",
        "Submitted": revision.submitted_at,
        "Outcome": revision.get_outcome_display(),
        "Management actions": "; ".join(
            f"{action.get_kind_display()}{': ' + action.details if action.details else ''}"
            for action in revision.management_actions.all()
        ),
    }


def _declarations(subject: User) -> list[dict]:
    return [
        {
            "Partnership": declaration.partnership.name,
            "Status": declaration.get_status_display(),
            "Started": declaration.created_at,
            "First submitted": declaration.first_submitted_at,
            "Declared late": declaration.is_late,
            "Ended on": declaration.ended_on,
            "Withheld from the public register": declaration.withheld_at is not None,
            "Revisions": [_revision(revision) for revision in declaration.revisions.all()],
            "History": [
                {
                    "When": event.at,
                    "What": event.get_action_display(),
                    "By": _by(event.actor_id, subject, "A reviewer"),
                    "Note": event.note,
                }
                for event in declaration.events.all()
            ],
            "Dispensations": [
                {"From": dispensation.starts_on, "To": dispensation.ends_on, "Reason": dispensation.reason}
                for dispensation in declaration.dispensations.all()
            ],
        }
        for declaration in declaration_selectors.declarations_made_by(subject)
    ]


def _annual_confirmations(subject: User) -> list[dict]:
    return [
        {
            "Partnership": confirmation.partnership.name,
            "Year": confirmation.year,
            "Asked": confirmation.requested_at,
            "Confirmed": confirmation.confirmed_at,
            "How": confirmation.get_how_display(),
        }
        for confirmation in declaration_selectors.annual_confirmations_of(subject)
    ]


def _suspensions(subject: User) -> list[dict]:
    return [
        {
            "Partnership": suspension.partnership.name,
            "Of": "You by name" if suspension.person_name else "Your organisation",
            "From": suspension.starts_on,
            "Until": suspension.ends_on,
            "Reason": suspension.reason,
            "Lifted": suspension.lifted_at,
        }
        for suspension in conduct_selectors.suspensions_of(subject)
    ]


def _cases_reported(subject: User) -> list[dict]:
    return [
        {
            "Case": case.reference,
            "Partnership": case.partnership.name,
            "Organisation it is about": case.respondent_organisation.name,
            "Person it names": WITHHELD if case.respondent_person_name else "",
            "When it happened": case.incident_date,
            "Where": case.incident_place,
            "What you told us": case.description,
            "How you reported": case.get_identity_display(),
            "Name you gave": case.reporter_name,
            "Email address you gave": case.reporter_email,
            "Reported": case.reported_at,
            "Status": case.get_status_display(),
            "Outcome": case.get_outcome_display(),
            "Messages": [
                {
                    "When": message.at,
                    "From": _by(message.author_id, subject, SOMEONE_HANDLING) if message.author_id else "You",
                    "Kind": message.get_kind_display(),
                    "Text": message.text,
                }
                for message in case.messages.all()
            ],
        }
        for case in breach_selectors.cases_reported_by(subject)
    ]


def _cases_about(subject: User) -> list[dict]:
    # Never the reporter, nor their words about the place and the people: only what
    # those handling the case wrote for the person it is about, and the day it came in.
    return [
        {
            "Case": case.reference,
            "Partnership": case.partnership.name,
            "Organisation it is about": case.respondent_organisation.name,
            "Reported by": WITHHELD,
            "Reported on": timezone.localtime(case.reported_at).date(),
            "Status": case.get_status_display(),
            "Track": case.get_track_display(),
            "What you were told": case.respondent_summary,
            "Your responses": [{"When": message.at, "Text": message.text} for message in case.messages.all()],
            "Outcome": case.get_outcome_display(),
            "Finding": case.finding,
            "Reasons": case.reasons,
            "Decided": case.decided_at,
            "Suspended until": case.suspended_until,
        }
        for case in breach_selectors.cases_concerning_person(subject)
    ]


def _case_work(subject: User) -> list[dict]:
    moves = [
        {"Case": event.case.reference, "When": event.at, "What": event.get_action_display(), "Reason": event.reason}
        for event in breach_selectors.case_events_by(subject)
    ]
    messages = [
        {
            "Case": message.case.reference,
            "When": message.at,
            "What": f"{message.get_kind_display()} to the reporter",
            "Reason": message.text,
        }
        for message in breach_selectors.case_messages_to_reporters_by(subject)
    ]
    notes = [
        {"Case": note.case.reference, "When": note.at, "What": "Note for those handling the case", "Reason": note.text}
        for note in breach_selectors.case_notes_by(subject)
    ]
    views = [
        {
            "Case": view.panel.case.reference,
            "When": view.at,
            "What": f"View as a panel member: {view.get_outcome_display()}",
            "Reason": view.reasons,
        }
        for view in breach_selectors.panel_views_by(subject)
    ]
    return sorted(moves + messages + notes + views, key=lambda record: record["When"])


def _files(subject: User) -> list[dict]:
    return [
        {
            "Case": evidence.case.reference,
            "Name": evidence.original_name,
            "Type": evidence.content_type,
            "Size (bytes)": evidence.size,
            "Added": evidence.uploaded_at,
            "Virus scan": evidence.get_scan_display(),
        }
        for evidence in breach_selectors.evidence_uploaded_by(subject)
    ]


def _emails(subject: User) -> list[dict]:
    return [
        {
            "To": email.to,
            "Subject": email.subject,
            "Queued": email.created_at,
            "Sent": email.sent_at,
            "Status": email.get_status_display(),
        }
        for email in conduct_selectors.emails_to(subject.email)
    ]


def _audit_by(subject: User) -> list[dict]:
    # What the record was, not its summary: a summary may name the other people involved.
    return [
        {"When": entry.at, "What": entry.action, "Record": f"{entry.subject_type} {entry.subject_id}"}
        for entry in conduct_selectors.audit_entries_by(subject)
    ]


def _audit_about(subject: User) -> list[dict]:
    return [
        {
            "When": entry.at,
            "What": entry.action,
            "By": _by(entry.actor_id, subject, "An administrator or programme manager"),
            "Summary": entry.summary,
        }
        for entry in conduct_selectors.audit_entries_about(subject)
    ]


def export_for(subject_id: int, *, request_id: int, produced_at: datetime.datetime) -> dict:
    """Everything held about the person, with other people's identities withheld."""
    subject = conduct_selectors.account_held(subject_id)
    return {
        "subject_access_request": request_id,
        "produced_at": produced_at,
        "person": subject.display_name,
        "withheld": (
            "Other people's identities are withheld: people who acted on your records are named by their part, "
            "and nobody who reported a concern about you is identified, nor are their own words."
        ),
        "sections": [
            _section("account", "Your account", "What you sign in with and how we contact you.", _account(subject)),
            _section(
                "roles", "Your roles", "What you do for each partnership beyond being a partner.", _roles(subject)
            ),
            _section(
                "invitation", "Your invitation", "The email that let you set your password.", _invitation(subject)
            ),
            _section("signatures", "Codes you signed", "Each signature and the text it covered.", _signatures(subject)),
            _section(
                "declarations",
                "Your declarations of interest",
                "What you declared, each revision, and what happened to it.",
                _declarations(subject),
            ),
            _section(
                "annual_confirmations",
                "Your yearly confirmations",
                "When you were asked to confirm your declarations, and when you did.",
                _annual_confirmations(subject),
            ),
            _section(
                "suspensions",
                "Suspensions",
                "Suspensions of your organisation, or of you by name.",
                _suspensions(subject),
            ),
            _section(
                "cases_reported",
                "Concerns you reported",
                "Your reports and the messages exchanged with you about them.",
                _cases_reported(subject),
            ),
            _section(
                "cases_about_you",
                "Concerns about you",
                "Cases you have been told concern you or your organisation. Who reported them is withheld.",
                _cases_about(subject),
            ),
            _section(
                "case_work",
                "Your part in handling cases",
                "What you did and wrote while handling cases or sitting on a panel.",
                _case_work(subject),
            ),
            _section("files", "Files you gave", "Evidence you attached to a case.", _files(subject)),
            _section(
                "emails", "Emails sent to you", "Each email Conduct sent, or is sending, to you.", _emails(subject)
            ),
            _section(
                "changes_by_you",
                "Changes you made",
                "Each change you made, from the audit log (what was changed, not what it said).",
                _audit_by(subject),
            ),
            _section(
                "changes_about_you",
                "Changes to your account",
                "Each change made to your account, partner record or roles, from the audit log.",
                _audit_about(subject),
            ),
        ],
    }


def _line(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return govuk_date(value, "with_time")
    if isinstance(value, datetime.date):
        return govuk_date(value)
    return str(value)


def readable(export: dict) -> list[dict]:
    """The export's sections for the page: each record a list of (label, text, nested records),
    nested records a list of (label, text) lists; empty fields left out."""
    sections = []
    for section in export["sections"]:
        records = []
        for record in section["records"]:
            rows = []
            for label, value in record.items():
                if isinstance(value, list):
                    if value:
                        nested = [[(key, _line(v)) for key, v in item.items() if _line(v)] for item in value]
                        rows.append((label, "", nested))
                elif _line(value):
                    rows.append((label, _line(value), []))
            records.append(rows)
        sections.append({**section, "records": records})
    return sections
