"""The pages the benchmark loads, each with the role that sees it."""

from django.utils import timezone

from conduct.models import CodeVersion


def benchmark_pages() -> list[tuple[str, str, str | None]]:
    """(name, path, username or None for anonymous) on the data `seed_scale` made."""
    version = CodeVersion.objects.get(code__slug="bench-code-0", status=CodeVersion.Status.PUBLISHED)
    from meetings.models import Meeting

    open_meeting, published_meeting = (
        Meeting.objects.filter(partnership__slug="bench-partnership-0", status=status).values_list("pk", flat=True)[0]
        for status in (Meeting.Status.PLANNED, Meeting.Status.PUBLISHED)
    )
    draft, section = _a_draft_of_the_first_code()
    return [
        (
            "Conflicts list of a meeting: 30 attendees, 20 items (programme manager)",
            f"/meetings/{open_meeting}/",
            "bench-manager",
        ),
        (
            "Public record of a meeting (anyone)",
            f"/meetings/public/bench-partnership-0/{published_meeting}/",
            None,
        ),
        (
            "Signature dashboard (programme manager)",
            f"/codes/bench-code-0/versions/{version.number}/signatures/",
            "bench-manager",
        ),
        (
            "Signatures as charts (programme manager)",
            f"/codes/bench-code-0/versions/{version.number}/signatures/chart/",
            "bench-manager",
        ),
        ("Code version page (anyone)", f"/codes/bench-code-0/versions/{version.number}/", None),
        ("Diff of versions 1 and 5 (anyone)", "/codes/bench-code-0/changes/?from=1&to=5", None),
        ("Register of interests (programme manager)", "/declarations/register/", "bench-manager"),
        (
            "Confirming one's declarations, as a decision-maker who is not a partner (programme manager)",
            "/declarations/annual/bench-partnership-0/",
            "bench-manager",
        ),
        ("Breach queue (programme manager)", "/breaches/cases/", "bench-manager"),
        (
            "People of a partnership (programme manager)",
            "/manage/partnerships/bench-partnership-0/people/",
            "bench-manager",
        ),
        ("A partnership (programme manager)", "/manage/partnerships/bench-partnership-0/", "bench-manager"),
        (
            "Policies of a partnership (administrator)",
            "/manage/partnerships/bench-partnership-0/policies/",
            "bench-admin",
        ),
        ("Figures as charts (programme manager)", "/reports/bench-partnership-0/", "bench-manager"),
        ("Annual report (programme manager)", "/reports/bench-partnership-0/2026/", "bench-manager"),
        ("Anonymised register of breaches (anyone)", "/breaches/published/bench-partnership-0/", None),
        ("Public register as CSV (anyone)", "/declarations/public/bench-partnership-0.csv", None),
        ("Public register as JSON (anyone)", "/declarations/public/bench-partnership-0.json", None),
        (
            "Decision-makers who have not declared (anyone)",
            "/declarations/public/bench-partnership-0/not-declared/",
            None,
        ),
        ("Retention schedule (administrator)", "/privacy/retention/", "bench-admin"),
        ("Create a code (administrator)", "/manage/codes/new/", "bench-admin"),
        ("Import a code's document (administrator)", "/manage/codes/bench-code-0/import/", "bench-admin"),
        ("Privacy notice (anyone)", "/privacy/", None),
        ("Subject access requests (administrator)", "/privacy/subject-access/", "bench-admin"),
        (
            "Everything held about a partner (administrator)",
            f"/privacy/subject-access/{_a_subject_access_request()}/export/",
            "bench-admin",
        ),
        (
            "A breach case (programme manager)",
            f"/breaches/cases/{_a_case_of_the_first_partnership()}/",
            "bench-manager",
        ),
        (
            "Reveal a confidential reporter (programme manager)",
            f"/breaches/cases/{_a_case_of_the_first_partnership(identity='confidential')}/reveal-reporter/",
            "bench-manager",
        ),
        (
            "Reset a person's authenticator (administrator)",
            f"/manage/partnerships/bench-partnership-0/people/{_a_partner_of_the_first_partnership()}/authenticator-reset/",
            "bench-admin",
        ),
        (
            "Add a note to a breach case (programme manager)",
            f"/breaches/cases/{_a_case_of_the_first_partnership()}/notes/new/",
            "bench-manager",
        ),
        ("Edit a draft of a code (administrator)", f"/manage/codes/bench-code-0/versions/{draft}/edit/", "bench-admin"),
        (
            "Add a section to a draft (administrator)",
            f"/manage/codes/bench-code-0/versions/{draft}/sections/new/",
            "bench-admin",
        ),
        ("Rename a section of a draft (administrator)", f"/manage/sections/{section}/rename/", "bench-admin"),
        ("Remove a section of a draft (administrator)", f"/manage/sections/{section}/remove/", "bench-admin"),
    ]


def _a_case_of_the_first_partnership(**more) -> int:
    from breaches.models import BreachCase

    return (
        BreachCase.objects.filter(partnership__slug="bench-partnership-0", status="formal", **more)
        .values_list("pk", flat=True)
        .first()
    )


def _a_partner_of_the_first_partnership() -> int:
    from conduct.models import Partnership
    from conduct.selectors import partnership_people

    return partnership_people(Partnership.objects.get(slug="bench-partnership-0")).values_list("pk", flat=True)[0]


def _a_subject_access_request() -> int:
    """A request about a partner of an organisation with cases, recorded once through the service."""
    from breaches.models import BreachCase
    from conduct.models import Partner, User
    from privacy.models import SubjectAccessRequest
    from privacy.services import subject_access_request_record

    case = BreachCase.objects.filter(partnership__slug="bench-partnership-0", status="formal").first()
    partner = Partner.objects.filter(organisation_id=case.respondent_organisation_id).select_related("user").first()
    existing = SubjectAccessRequest.objects.filter(subject=partner.user).values_list("pk", flat=True).first()
    if existing:
        return existing
    return subject_access_request_record(
        subject=partner.user,
        asked_by="The benchmark",
        received_on=timezone.localdate(),
        actor=User.objects.get(username="bench-admin"),
    ).pk


def _a_draft_of_the_first_code() -> tuple[int, int]:
    """The number of bench-code-0's draft, started once through the service, and its first section's id."""
    from conduct.models import Code, Section, User
    from conduct.services import code_version_start_draft

    draft = CodeVersion.objects.filter(code__slug="bench-code-0", status=CodeVersion.Status.DRAFT).first()
    if draft is None:
        draft = code_version_start_draft(
            code=Code.objects.get(slug="bench-code-0"), actor=User.objects.get(username="bench-admin")
        )
    return draft.number, Section.objects.filter(version=draft).order_by("position", "pk").values_list("pk", flat=True)[
        0
    ]
