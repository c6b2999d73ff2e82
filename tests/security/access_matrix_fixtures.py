"""The people and records the access matrix visits every URL with."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from breaches import services as breach_services
from conduct import services as conduct_services
from conduct.models import Code, CodeReview, PartnershipRole, Principle
from declarations import services as declaration_services
from meetings import services as meeting_services
from partnerships.models import PeopleUpload
from privacy.services import subject_access_request_record
from tests.conftest import make_user


def build_world(*, alliance, alice, bob, priya, ada):
    """alice and bob are partners in two organisations of the alliance; priya is
    its programme manager; pam sits on its panel; ada administers everything."""
    pam = make_user("pam", "Pam", "Panel")
    PartnershipRole.objects.create(user=pam, partnership=alliance, role=PartnershipRole.Role.PANEL_MEMBER)
    code = Code.objects.get(slug="health-creation-alliance")
    version = code.versions.get(number=2)
    signature, _ = conduct_services.signature_record(partner=alice, version=version, typed_name="Alice Adams")
    draft = conduct_services.code_version_start_draft(code=code, actor=ada)
    section = draft.sections.order_by("position").first()
    item = section.items.order_by("position").first()
    conduct_services.code_reviews_open_due(today=datetime.date(2026, 10, 1))
    review = CodeReview.objects.get(code=code)

    declaration = declaration_services.declaration_start(actor=alice.user, partnership=alliance, is_nil=False)
    declaration_services.declaration_draft_save(
        declaration=declaration,
        actor=alice.user,
        kind="financial",
        situation="gift",
        counterparty_name="Acme Health Supplies",
        description="A hamper",
        arose_on=datetime.date(2026, 10, 10),
        value=60,
        cash_or_vouchers=False,
        outcome="accepted",
    )
    declaration_services.declaration_submit(declaration=declaration, actor=alice.user)
    draft_declaration = declaration_services.declaration_start(actor=alice.user, partnership=alliance, is_nil=False)

    integrity = Principle.objects.get(slug="integrity")
    # alice reports a concern about bob's organisation, confidentially; priya triages it to the informal track.
    case, _ = breach_services.breach_case_report(
        actor=alice.user,
        partnership=alliance,
        respondent_organisation=bob.organisation,
        incident_date=datetime.date(2026, 11, 1),
        incident_place="The October partnership board",
        description="Shouted down a carer at the board.",
        identity="confidential",
        cited_principles=[integrity],
    )
    evidence_case, receipt = breach_services.breach_case_report(
        actor=None,
        partnership=alliance,
        respondent_organisation=bob.organisation,
        incident_date=datetime.date(2026, 11, 2),
        incident_place="Email",
        description="Shared a confidential paper.",
        identity="anonymous",
        cited_principles=[integrity],
        evidence=SimpleUploadedFile("note.txt", b"What was shared, and with whom.", content_type="text/plain"),
    )
    case = breach_services.breach_case_triage(
        case=case,
        expected_version=case.version,
        actor=priya,
        severity="minor",
        deliberate="no",
        respondent_summary="A concern about conduct at the October board.",
    )
    # priya chairs a meeting at which alice's gift from Acme conflicts with the one item, and
    # published the record of an earlier one.
    meeting = meeting_services.meeting_create(
        actor=priya,
        partnership=alliance,
        held_on=datetime.date(2026, 11, 25),
        purpose="To award the community transport contract.",
        chair=priya,
        attendees=[alice.user, bob.user, pam],
    )
    meeting_item = meeting_services.meeting_item_add(
        meeting=meeting,
        actor=priya,
        title="Transport contract",
        confidential=False,
        organisations=["Acme Health Supplies"],
        people=[],
    )
    published_meeting = meeting_services.meeting_create(
        actor=priya,
        partnership=alliance,
        held_on=datetime.date(2026, 11, 1),
        purpose="To agree the carers' strategy.",
        chair=priya,
        attendees=[bob.user],
    )
    strategy = meeting_services.meeting_item_add(
        meeting=published_meeting, actor=priya, title="Strategy", confidential=False, organisations=[], people=[]
    )
    meeting_services.meeting_item_decide(
        meeting=published_meeting, actor=priya, item=strategy, outcome="Agreed.", participants=[priya, bob.user]
    )
    meeting_services.meeting_record_publish(meeting=published_meeting, actor=priya)
    return {
        "meeting": meeting.pk,
        "meeting_item": meeting_item.pk,
        "published_meeting": published_meeting.pk,
        "alice_user": alice.user.pk,
        "users": {"anonymous": None, "alice": alice.user, "bob": bob.user, "priya": priya, "pam": pam, "ada": ada},
        "signature": signature.reference,
        "draft": draft.number,
        "section": section.pk,
        "item": item.pk,
        "review": review.pk,
        "declaration": declaration.pk,
        "draft_declaration": draft_declaration.pk,
        "alliance": alliance.slug,
        "membership": alice.organisation.memberships.get(partnership=alliance).pk,
        "partner": alice.pk,
        "upload": PeopleUpload.objects.create(
            partnership=alliance, uploaded_by=ada, filename="people.csv", content=b"email,name\n"
        ).pk,
        "case": case.pk,
        "anonymous_case": evidence_case.pk,
        "evidence": evidence_case.evidence.get().pk,
        "subject_access_request": subject_access_request_record(
            subject=bob.user, asked_by="Bob himself", received_on=datetime.date(2026, 11, 20), actor=ada
        ).pk,
    }
