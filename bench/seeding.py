"""Seed a partnership at scale for the benchmark: bulk inserts, no services.

At scale 1: 50 codes with 5 versions each, 2,000 organisations, 20,000
partners, 200,000 signatures, 100,000 declarations, 50,000 breach cases, and
the 100,000 rows of the reference page.
Every count is multiplied by the scale, so tests can run it small.
"""

import datetime
import itertools
import random

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from conduct.canonical_text import text_sha256, version_canonical_text
from conduct.models import (
    Code,
    CodeVersion,
    Item,
    Membership,
    Organisation,
    Partner,
    Partnership,
    PartnershipRole,
    Section,
    Signature,
    SignedText,
    User,
)
from conduct.selectors import with_content

from .models import ReferenceRow

BENCH_PASSWORD = "bench-password-2026"
BATCH = 5000
PARTNERSHIPS_PER_ORGANISATION = 5


def scaled(count: int, scale: float) -> int:
    return max(1, round(count * scale))


def _batched(rows, size=BATCH):
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _template_content() -> list[tuple[str, list[dict]]]:
    """The sections and items of the seed's published Health Creation Alliance code."""
    version = with_content(CodeVersion.objects.filter(code__slug="health-creation-alliance", status="published")).get()
    return [
        (
            s.heading,
            [{"kind": i.kind, "title": i.title, "text": i.text, "principle_id": i.principle_id} for i in s.items.all()],
        )
        for s in version.sections.all()
    ]


def seed_codes(*, scale: float, now: datetime.datetime) -> list[Partnership]:
    template = _template_content()
    partnerships = []
    for c in range(scaled(50, scale)):
        code = Code.objects.create(title=f"Bench code {c}", slug=f"bench-code-{c}", owner=f"Bench alliance {c}")
        for number in range(1, 6):
            version = CodeVersion.objects.create(
                code=code,
                number=number,
                title=f"Bench code {c}",
                label=f"Version {number}",
                last_full_review_on=datetime.date(2022 + number // 2, 1 + number, 1),
            )
            for position, (heading, items) in enumerate(template, start=1):
                section = Section.objects.create(version=version, position=position, heading=heading)
                Item.objects.bulk_create(
                    Item(
                        section=section,
                        position=p,
                        **dict(item, text=f"{item['text']} (revision {number})" if p == 1 else item["text"]),
                    )
                    for p, item in enumerate(items, start=1)
                )
            digest = text_sha256(version_canonical_text(with_content(CodeVersion.objects.filter(pk=version.pk)).get()))
            published_at = now - datetime.timedelta(days=(6 - number) * 180)
            CodeVersion.objects.filter(pk=version.pk).update(
                status="published", published_at=published_at, canonical_sha256=digest
            )
            if number < 5:
                CodeVersion.objects.filter(pk=version.pk).update(
                    status="superseded", ended_at=published_at + datetime.timedelta(days=180)
                )
        partnerships.append(
            Partnership.objects.create(
                name=f"Bench partnership {c}", slug=f"bench-partnership-{c}", kind="alliance", code=code
            )
        )
    for version in with_content(CodeVersion.objects.filter(code__slug__startswith="bench-code-")):
        text = version_canonical_text(version)
        SignedText.objects.get_or_create(sha256=text_sha256(text), defaults={"text": text})
    return partnerships


def seed_people(*, scale: float, partnerships: list[Partnership]) -> None:
    password = make_password(BENCH_PASSWORD)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bench organisation {o}", slug=f"bench-organisation-{o}") for o in range(scaled(2000, scale))
    )
    Membership.objects.bulk_create(
        Membership(
            organisation=org,
            partnership=partnerships[(o + k * 7) % len(partnerships)],
            started_on=datetime.date(2023, 1, 1),
        )
        for o, org in enumerate(organisations)
        for k in range(min(PARTNERSHIPS_PER_ORGANISATION, len(partnerships)))
    )
    n_partners = scaled(20000, scale)
    for batch in _batched(range(n_partners)):
        users = User.objects.bulk_create(
            User(
                username=f"bench-partner-{p}",
                email=f"bench-partner-{p}@example.org",
                first_name="Partner",
                last_name=str(p),
                password=password,
            )
            for p in batch
        )
        Partner.objects.bulk_create(
            Partner(user=u, organisation=organisations[p % len(organisations)])
            for p, u in zip(batch, users, strict=True)
        )
    User.objects.create(
        username="bench-admin", email="bench-admin@example.org", password=password, is_staff=True, is_superuser=True
    )
    manager = User.objects.create(username="bench-manager", email="bench-manager@example.org", password=password)
    PartnershipRole.objects.create(
        user=manager, partnership=partnerships[0], role=PartnershipRole.Role.PROGRAMME_MANAGER
    )


def seed_signatures() -> int:
    """Each partner signed version 4 of each of their codes; four in five have
    signed version 5 too, and the rest signed version 3 before it."""
    versions = {(v.code_id, v.number): v for v in CodeVersion.objects.filter(code__slug__startswith="bench-code-")}
    codes_of_organisation: dict[int, list[int]] = {}
    for organisation_id, code_id in Membership.objects.filter(partnership__slug__startswith="bench-").values_list(
        "organisation_id", "partnership__code_id"
    ):
        codes_of_organisation.setdefault(organisation_id, []).append(code_id)

    def rows():
        for partner_id, organisation_id in (
            Partner.objects.filter(user__username__startswith="bench-partner-")
            .values_list("pk", "organisation_id")
            .order_by("pk")
        ):
            for code_id in codes_of_organisation.get(organisation_id, []):
                numbers = (4, 5) if partner_id % 5 else (3, 4)
                for number in numbers:
                    version = versions[(code_id, number)]
                    yield Signature(
                        partner_id=partner_id,
                        organisation_id=organisation_id,
                        version=version,
                        typed_name="Bench Partner",
                        signed_at=version.published_at + datetime.timedelta(days=7),
                        signed_text_id=version.canonical_sha256,
                        text_sha256=version.canonical_sha256,
                    )

    count = 0
    for batch in _batched(rows()):
        with transaction.atomic():
            Signature.objects.bulk_create(batch)
        count += len(batch)
    return count


def seed_reference_rows(*, count: int, now: datetime.datetime) -> None:
    rng = random.Random(1)
    for batch in _batched(range(count)):
        ReferenceRow.objects.bulk_create(
            ReferenceRow(
                name=f"Row {i}", organisation=f"Organisation {i % 2000}", amount=rng.randint(0, 10_000), created_at=now
            )
            for i in batch
        )


def seed_scale(*, scale: float = 1.0, log=print) -> None:
    now = timezone.now()
    with transaction.atomic():
        partnerships = seed_codes(scale=scale, now=now)
    log(f"{len(partnerships)} codes with 5 versions each")
    seed_people(scale=scale, partnerships=partnerships)
    log(
        f"{Organisation.objects.filter(slug__startswith='bench-').count()} organisations, "
        f"{Partner.objects.filter(user__username__startswith='bench-partner-').count()} partners"
    )
    log(f"{seed_signatures()} signatures")
    log(f"{seed_declarations(scale=scale, now=now)} declarations")
    log(f"{seed_breach_cases(scale=scale, now=now)} breach cases")
    log(f"{seed_meetings(now=now)} meetings")
    seed_reference_rows(count=scaled(100_000, scale), now=now)
    log(f"{ReferenceRow.objects.count()} reference rows")
    # Fresh statistics, or the planner guesses from empty tables; on PostgreSQL
    # also the visibility map that autovacuum keeps on a database that has run a
    # while, without which no index answers a count alone (VACUUM cannot run
    # inside a transaction, as the tests' seeding does).
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def _next_ids(model, count: int) -> range:
    """Primary keys for rows about to be inserted, so that rows pointing at each
    other can be inserted in one go (the database checks the keys at commit)."""
    first = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    return range(first, first + count)


def _reset_sequences(*models) -> None:
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def seed_declarations(*, scale: float, now: datetime.datetime) -> int:
    """Five declarations for each partner at scale 1 (100,000), with their
    revisions and histories: most accepted, some submitted, returned or ended."""
    from declarations.models import Declaration, DeclarationEvent, DeclarationRevision

    partnerships_of: dict[int, list[int]] = {}
    for organisation_id, partnership_id in Membership.objects.filter(
        partnership__slug__startswith="bench-"
    ).values_list("organisation_id", "partnership_id"):
        partnerships_of.setdefault(organisation_id, []).append(partnership_id)
    partners = list(
        Partner.objects.filter(user__username__startswith="bench-partner-")
        .values_list("pk", "organisation_id", "user_id")
        .order_by("pk")
    )
    organisation_ids = list(Organisation.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    statuses = ["accepted"] * 15 + ["submitted"] * 3 + ["returned", "ended"]
    per_partner = 5
    total = min(scaled(100_000, scale), len(partners) * per_partner)
    rng = random.Random(2)
    made = 0
    for batch in _batched(range(total)):
        with transaction.atomic():
            declaration_ids = _next_ids(Declaration, len(batch))
            revision_ids = _next_ids(DeclarationRevision, len(batch))
            declarations, revisions, events = [], [], []
            for n, declaration_id, revision_id in zip(batch, declaration_ids, revision_ids, strict=True):
                partner_id, organisation_id, user_id = partners[n // per_partner]
                status = statuses[n % len(statuses)]
                submitted = now - datetime.timedelta(days=rng.randint(1, 900))
                arose_on = (submitted - datetime.timedelta(days=n % 40)).date()
                accepted = status in ("accepted", "ended")
                declarations.append(
                    Declaration(
                        pk=declaration_id,
                        declarant_id=user_id,
                        partner_id=partner_id,
                        organisation_id=organisation_id,
                        partnership_id=rng.choice(partnerships_of[organisation_id]),
                        status=status,
                        revision_id=revision_id,
                        first_submitted_at=submitted,
                        is_late=arose_on < (submitted - datetime.timedelta(days=28)).date(),
                        accepted_revision_id=revision_id if accepted else None,
                        accepted_at=submitted + datetime.timedelta(days=3) if accepted else None,
                        ended_on=(submitted + datetime.timedelta(days=60)).date() if status == "ended" else None,
                    )
                )
                gift = n % 3 != 0
                revisions.append(
                    DeclarationRevision(
                        pk=revision_id,
                        declaration_id=declaration_id,
                        number=1,
                        kind="financial",
                        situation="gift" if gift else "outside_employment",
                        counterparty_organisation_id=organisation_ids[(n * 7) % len(organisation_ids)],
                        description="Bench declaration",
                        arose_on=arose_on,
                        value=60 if gift else None,
                        cash_or_vouchers=False if gift else None,
                        outcome="accepted" if gift else "",
                        # Outside employment records its prior permission, as the services require.
                        permitted_by="" if gift else "The medical director",
                        permitted_on=None if gift else arose_on,
                        submitted_at=submitted,
                        submitted_by_id=user_id,
                    )
                )
                events.append(
                    DeclarationEvent(
                        declaration_id=declaration_id,
                        revision_id=revision_id,
                        action="submitted",
                        from_status="draft",
                        to_status="submitted",
                        actor_id=user_id,
                    )
                )
                if accepted:
                    events.append(
                        DeclarationEvent(
                            declaration_id=declaration_id,
                            revision_id=revision_id,
                            action="accepted",
                            from_status="submitted",
                            to_status="accepted",
                        )
                    )
                if status == "returned":
                    events.append(
                        DeclarationEvent(
                            declaration_id=declaration_id,
                            action="returned",
                            from_status="submitted",
                            to_status="returned",
                            note="Who gave it?",
                        )
                    )
                if status == "ended":
                    events.append(
                        DeclarationEvent(
                            declaration_id=declaration_id, action="ended", from_status="accepted", to_status="ended"
                        )
                    )
            Declaration.objects.bulk_create(declarations)
            DeclarationRevision.objects.bulk_create(revisions)
            DeclarationEvent.objects.bulk_create(events)
        made += len(batch)
    _reset_sequences(Declaration, DeclarationRevision)
    return made


def seed_breach_cases(*, scale: float, now: datetime.datetime) -> int:
    """Breach cases at scale 1 (50,000) with their histories, spread over the
    bench partnerships: most closed, some decided, open on either track, or
    waiting for triage."""
    from breaches.models import BreachCase, CaseEvent

    memberships = list(
        Membership.objects.filter(partnership__slug__startswith="bench-").values_list(
            "partnership_id", "organisation_id"
        )
    )
    published = dict(
        CodeVersion.objects.filter(code__partnerships__slug__startswith="bench-", status="published").values_list(
            "code__partnerships", "pk"
        )
    )
    reporters = list(User.objects.filter(username__startswith="bench-partner-").values_list("pk", flat=True)[:5000])
    manager = User.objects.get(username="bench-manager")
    # status, track, outcome
    shapes = [("closed", "informal", "resolved_informally")] * 4 + [
        ("closed", "formal", "formal_warning"),
        ("decided", "informal", "not_upheld"),
        ("informal", "informal", ""),
        ("formal", "formal", ""),
        ("reported", "", ""),
        ("withdrawn", "", ""),
    ]
    rng = random.Random(3)
    total = scaled(50_000, scale)
    made = 0
    for batch in _batched(range(total)):
        with transaction.atomic():
            cases, histories = [], []
            for n in batch:
                partnership_id, organisation_id = memberships[n % len(memberships)]
                status, track, outcome = shapes[n % len(shapes)]
                reported = now - datetime.timedelta(days=rng.randint(1, 1000))
                anonymous = n % 4 == 0
                decided = status in ("decided", "closed")
                cases.append(
                    BreachCase(
                        partnership_id=partnership_id,
                        respondent_organisation_id=organisation_id,
                        incident_date=(reported - datetime.timedelta(days=2)).date(),
                        incident_place="A partnership meeting",
                        description="Bench concern",
                        code_version_id=published[partnership_id],
                        identity="anonymous" if anonymous else "confidential",
                        reporter_id=None if anonymous else reporters[n % len(reporters)],
                        receipt_code_sha256=f"{n:064x}" if anonymous else None,
                        reported_at=reported,
                        triage_due_on=(reported + datetime.timedelta(days=7)).date(),
                        acknowledge_due_on=(reported + datetime.timedelta(days=7)).date(),
                        feedback_due_on=(reported + datetime.timedelta(days=91)).date(),
                        acknowledged_at=reported + datetime.timedelta(days=2),
                        status=status,
                        track=track,
                        severity="minor" if track == "informal" else ("serious" if track else ""),
                        deliberate="no" if track else "",
                        continued=False if track else None,
                        triaged_at=reported + datetime.timedelta(days=3) if track else None,
                        decision_due_on=(reported + datetime.timedelta(days=31)).date() if track else None,
                        outcome=outcome,
                        finding="Bench finding" if decided else "",
                        reasons="Bench reasons" if decided else "",
                        wider_causes="Papers carry no marking of what is confidential." if decided else "",
                        lessons="Mark confidential papers." if decided else "",
                        decided_at=reported + datetime.timedelta(days=30) if decided else None,
                        decided_by=manager if decided else None,
                    )
                )
            cases = BreachCase.objects.bulk_create(cases)
            for case in cases:
                histories.append(CaseEvent(case=case, action="report", to_status="reported", at=case.reported_at))
                if case.track:
                    histories.append(
                        CaseEvent(
                            case=case,
                            action="triage",
                            from_status="reported",
                            to_status=case.track,
                            actor=manager,
                            at=case.triaged_at,
                            reason="Bench routing",
                        )
                    )
                if case.decided_at:
                    histories.append(
                        CaseEvent(
                            case=case,
                            action="decide",
                            from_status=case.track,
                            to_status="decided",
                            actor=manager,
                            at=case.decided_at,
                        )
                    )
                if case.status == "closed":
                    histories.append(
                        CaseEvent(
                            case=case,
                            action="close",
                            from_status="decided",
                            to_status="closed",
                            actor=manager,
                            at=case.decided_at,
                        )
                    )
                if case.status == "withdrawn":
                    histories.append(
                        CaseEvent(
                            case=case,
                            action="withdraw",
                            from_status="reported",
                            to_status="withdrawn",
                            actor=manager,
                            at=case.reported_at,
                        )
                    )
            CaseEvent.objects.bulk_create(histories)
        made += len(batch)
    return made


MEETING_ATTENDEES = 30
MEETING_ITEMS = 20


def seed_meetings(*, now: datetime.datetime) -> int:
    """Two meetings of the first bench partnership, chaired by its programme manager, each with 30
    partners attending and 20 items naming the organisations their declarations concern (so the
    conflicts list has conflicts to find): one still open, and one whose record is published, with
    every conflict handled and every item decided."""
    from meetings.models import AgendaItem, Attendee, ConflictHandling, ItemDecision, ItemSubject, Meeting
    from meetings.selectors import meeting_record

    partnership = Partnership.objects.get(slug="bench-partnership-0")
    chair = User.objects.get(username="bench-manager")
    members = Membership.objects.filter(partnership=partnership).values("organisation_id")
    attendees = list(
        User.objects.filter(partner__organisation_id__in=members, declarations__isnull=False)
        .distinct()
        .order_by("pk")[:MEETING_ATTENDEES]
    )
    concerned = list(
        Organisation.objects.filter(declarations_concerning__declaration__declarant__in=attendees)
        .distinct()
        .order_by("pk")
        .values_list("pk", "name")[: MEETING_ITEMS * 2]
    )
    meetings = []
    for days_ago in (-7, 30):
        meeting = Meeting.objects.create(
            partnership=partnership,
            held_on=(now - datetime.timedelta(days=days_ago)).date(),
            purpose="To award the bench contracts and review the partnership's programme.",
            chair=chair,
            created_by=chair,
        )
        Attendee.objects.bulk_create(Attendee(meeting=meeting, user=user) for user in [chair, *attendees])
        items = AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, number=n + 1, title=f"Bench contract {n + 1}", confidential=n % 5 == 4)
            for n in range(MEETING_ITEMS)
        )
        ItemSubject.objects.bulk_create(
            [
                ItemSubject(item=item, kind="organisation", name=name, organisation_id=pk)
                for n, item in enumerate(items)
                for pk, name in concerned[n * 2 : n * 2 + 2]
            ]
            + [ItemSubject(item=item, kind="person", name=f"Bench person {n}") for n, item in enumerate(items)]
        )
        meetings.append(meeting)
    published = meetings[1]
    handlings, decisions = [], []
    for record in meeting_record(published):
        for conflict in record.conflicts:
            handlings.append(
                ConflictHandling(
                    item=record.item,
                    attendee=conflict.attendee,
                    declaration=conflict.declarations[0],
                    handling=conflict.required,
                    recorded_by=chair,
                )
            )
        decisions.append((ItemDecision(item=record.item, outcome="Agreed.", recorded_by=chair), record.conflicts))
    ConflictHandling.objects.bulk_create(handlings)
    ItemDecision.objects.bulk_create([decision for decision, _ in decisions])
    for decision, conflicts in decisions:
        stood_aside = {conflict.attendee.pk for conflict in conflicts}
        decision.participants.set([user for user in [chair, *attendees] if user.pk not in stood_aside])
    Meeting.objects.filter(pk=published.pk).update(status=Meeting.Status.PUBLISHED, published_at=now)
    return len(meetings)
