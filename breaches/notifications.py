"""Emails about breach cases: each one a subject, a text body and an HTML body
under templates/emails/breach_*. They say what happened and link to the case;
what the concern is and who raised it stay on the site, behind its access checks."""

from django.conf import settings
from django.urls import reverse

from conduct import selectors as conduct_selectors
from conduct.models import Role
from conduct.services import OutgoingEmail

from . import selectors
from .models import BreachCase, CaseEmail

Kind = CaseEmail.Kind


def _reporter_url(case: BreachCase) -> str:
    if case.reporter_id:
        return settings.SITE_URL + case.get_absolute_url()
    return settings.SITE_URL + reverse("breaches:follow-up")


def _recipients(email: CaseEmail) -> list[tuple[str, str]]:
    """(address, link) for everyone this email goes to, each address once."""
    case = email.case
    case_url = settings.SITE_URL + case.get_absolute_url()

    def users(*groups) -> list[tuple[str, str]]:
        addresses = [user.email for group in groups for user in group if user.email]
        return [(address, case_url) for address in dict.fromkeys(addresses)]

    # Only those who may handle the case hear of it: never someone from the organisation it is about.
    managers = selectors.programme_managers(case)
    panel = selectors.case_handlers(case, Role.PANEL_MEMBER)
    respondents = list(selectors.respondent_users(case))
    address = selectors.reporter_email(case)
    reporter = [(address, _reporter_url(case))] if address else []
    if email.kind in (Kind.REPORTED, Kind.CONFIDENTIALITY):
        return users(managers)
    if email.kind in (Kind.RECEIVED, Kind.TO_REPORTER):
        return reporter
    if email.kind in (Kind.RESPONDENT_TOLD, Kind.TRACK_CHANGED):
        return users(respondents)
    if email.kind == Kind.PANEL_REFERRAL:
        # With no panel yet, the programme manager must find one.
        return users(panel) if panel else users(managers)
    if email.kind in (Kind.REPORTER_INFORMATION, Kind.RESPONSE):
        return users(managers, panel) if case.track == case.Track.FORMAL else users(managers)
    if email.kind in (Kind.DECISION, Kind.APPEAL_DECISION):
        return users(respondents, managers)
    if email.kind == Kind.APPEAL:
        return users(managers, selectors.case_handlers(case, Role.CHAIR))
    if email.kind in (Kind.TRIAGE_OVERDUE, Kind.ACKNOWLEDGEMENT_DUE, Kind.FEEDBACK_DUE):
        return users(managers)
    if email.kind == Kind.DECISION_OVERDUE:
        return users(panel) if case.track == case.Track.FORMAL and panel else users(managers)
    if email.kind == Kind.CLOSED:
        return reporter + (users(respondents) if case.respondent_notified_at else [])
    raise ValueError(f"Unknown email kind {email.kind}")


def case_emails(email: CaseEmail) -> list[OutgoingEmail]:
    """One message per recipient, so nobody sees who else got it."""
    manager = conduct_selectors.role_in_text(email.case.partnership_id, Role.PROGRAMME_MANAGER)
    return [
        OutgoingEmail(
            purpose=f"case-email:{email.pk}",
            to=address,
            template=f"emails/breach_{email.kind}",
            context={"case": email.case, "url": url, "manager": manager},
        )
        for address, url in _recipients(email)
    ]
