"""Breach cases made through the services, so that a test can start from any point.

Alice (Riverside) reports; Bob's organisation, Northfield, is the respondent;
Priya manages The Health Creation Alliance; Pam sits on its panel and is a
partner at Westbrook, a third member; Quinn and Rosa sit on the panel too
(neither is a partner); Ada administers everything.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from breaches import selectors, services
from breaches.models import BreachCase
from conduct.models import CodeVersion, Item, Organisation, Partner, Partnership, PartnershipRole, User
from tests.conftest import make_organisation, make_user

# A Wednesday: five working days on is Wednesday 25 March.
NOW = datetime.datetime(2026, 3, 18, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
INCIDENT = datetime.date(2026, 3, 10)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fixed_clock(request, time_machine):
    """Every test but the browser journeys starts at noon on Wednesday 18 March 2026.
    (A browser keeps real time: a frozen server would send it cookies that have already expired.)"""
    if request.node.get_closest_marker("browser") is None:
        time_machine.move_to(NOW, tick=True)


@pytest.fixture(autouse=True)
def _evidence_in_a_temporary_folder(settings, tmp_path):
    settings.BREACH_EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.fixture
def westbrook(alliance):
    return make_organisation("Westbrook Partners", alliance)


@pytest.fixture
def pam(alliance, westbrook):
    """A panel member of the Alliance, and a partner at Westbrook (so she can declare interests)."""
    user = make_user("pam", "Pam", "Panel")
    Partner.objects.create(user=user, organisation=westbrook)
    PartnershipRole.objects.create(user=user, partnership=alliance, role=PartnershipRole.Role.PANEL_MEMBER)
    return user


def make_panel_member(username: str, first: str, last: str):
    user = make_user(username, first, last)
    alliance = Partnership.objects.get(slug="health-creation-alliance")
    PartnershipRole.objects.create(user=user, partnership=alliance, role=PartnershipRole.Role.PANEL_MEMBER)
    return user


@pytest.fixture
def quinn(alliance):
    return make_panel_member("quinn", "Quinn", "Quarry")


@pytest.fixture
def rosa(alliance):
    return make_panel_member("rosa", "Rosa", "Reed")


@pytest.fixture
def people(alice, bob, charlie, priya, pam, quinn, rosa, ada):
    """Everyone, by name."""
    return {
        "alice": alice.user,
        "bob": bob.user,
        "charlie": charlie.user,
        "priya": priya,
        "pam": pam,
        "quinn": quinn,
        "rosa": rosa,
        "ada": ada,
    }


def hca_item(title: str = "Integrity", number: int = 2) -> Item:
    version = CodeVersion.objects.get(code__slug="health-creation-alliance", number=number)
    return Item.objects.filter(section__version=version, title=title).first()


def pdf(name: str = "minutes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def report(*, reporter=None, about=None, partnership=None, identity="confidential", **overrides) -> BreachCase:
    """A case reported through the service: by default Alice reports Northfield, confidentially."""
    partnership = partnership or Partnership.objects.get(slug="health-creation-alliance")
    fields = {
        "actor": reporter,
        "partnership": partnership,
        "respondent_organisation": about or Organisation.objects.get(name="Northfield Wellbeing Trust"),
        "incident_date": INCIDENT,
        "incident_place": "The March partnership meeting",
        "description": "Shared a partner's confidential figures with a supplier.",
        "cited_items": [hca_item()],
        "identity": identity,
    }
    fields.update(overrides)
    case, _ = services.breach_case_report(**fields)
    return case


def fresh(case: BreachCase) -> BreachCase:
    return BreachCase.objects.get(pk=case.pk)


def triage(case, actor, *, severity="minor", deliberate="no") -> BreachCase:
    return services.breach_case_triage(
        case=case,
        expected_version=fresh(case).version,
        actor=actor,
        severity=severity,
        deliberate=deliberate,
        respondent_summary="It is said that figures shared in confidence were passed to a supplier.",
    )


def respond(case, respondent_user) -> None:
    services.breach_case_respond(case=case, actor=respondent_user, text="We did not share anything.")


def convene(case, *members, actor=None):
    """Priya convenes a panel of Pam, Quinn and Rosa, unless others are named."""
    names = members or ("pam", "quinn", "rosa")
    return services.breach_case_panel_convene(
        case=case,
        expected_version=fresh(case).version,
        actor=actor or User.objects.get(username="priya"),
        members=[User.objects.get(username=name) for name in names],
    )


def panel_agrees(case, outcome: str, *, against: dict | None = None):
    """The panel (convened if it is not yet) gives its views: each member for the
    outcome, except those named in `against` with the outcome they prefer."""
    panel = selectors.decision_panel(case) or convene(case)
    against = against or {}
    for seat in panel.seats.select_related("member"):
        view = against.get(seat.member.username, outcome)
        services.breach_case_panel_view_record(
            case=case, actor=seat.member, outcome=view, reasons=f"{seat.member.first_name} thinks {view}."
        )
    return panel


def decide(case, actor, *, outcome, **fields) -> BreachCase:
    """Decide the case; a formal one's panel (Pam, Quinn and Rosa) first agrees on the outcome."""
    if fresh(case).track == BreachCase.Track.FORMAL and selectors.decision_panel(case) is None:
        panel_agrees(case, outcome)
    values = {
        "finding": "The figures were shared.",
        "reasons": "The minutes and two witnesses agree.",
        "wider_causes": "No rule said which figures were confidential.",
        "lessons": "Mark confidential papers as such.",
    }
    values.update(fields)
    return services.breach_case_decide(
        case=case, expected_version=fresh(case).version, actor=actor, outcome=outcome, **values
    )


def case_in(status: str, *, people) -> BreachCase:
    """A case brought to the status through the services, as the people named
    would; once triaged, the respondent (Bob) has responded."""
    case = report(reporter=people["alice"])
    if status == "reported":
        return case
    if status == "withdrawn":
        return services.breach_case_withdraw(
            case=case, expected_version=case.version, actor=people["priya"], reason="A duplicate."
        )
    formal = status == "formal"
    case = triage(case, people["priya"], severity="serious" if formal else "minor")
    respond(case, people["bob"])
    if status in ("informal", "formal"):
        return fresh(case)
    case = decide(case, people["priya"], outcome="not_upheld")
    if status == "decided":
        return fresh(case)
    services.breach_case_close(
        case=case, expected_version=fresh(case).version, actor=people["priya"], feedback="Resolved."
    )
    return fresh(case)
