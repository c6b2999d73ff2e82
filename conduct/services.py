"""State changes in the conduct app: drafting, publishing and signing code versions."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from kombu.exceptions import OperationalError

from . import notifications
from .canonical_text import text_sha256, version_canonical_text
from .models import (
    AuditEntry,
    Code,
    CodeVersion,
    Item,
    Membership,
    Partner,
    Section,
    Signature,
    SignatureRequest,
    User,
)
from .selectors import partner_may_sign, partners_expected_to_sign, with_content

logger = logging.getLogger(__name__)


class ConductError(ValidationError):
    """A request that the rules of the code's life cycle refuse, with a message for the user."""


def audit_record(*, actor: User | None, action: str, subject, summary: str, reason: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        summary=summary,
        reason=reason,
    )


def _copy_content(*, source: CodeVersion, target: CodeVersion) -> None:
    for section in source.sections.all():
        new_section = Section.objects.create(version=target, position=section.position, heading=section.heading)
        new_ids: dict[int, int] = {}
        # Parents come before their sub-points in position order.
        for item in section.items.all():
            copy = Item.objects.create(
                section=new_section,
                parent_id=new_ids.get(item.parent_id),
                position=item.position,
                kind=item.kind,
                topic=item.topic,
                principle_id=item.principle_id,
                title=item.title,
                text=item.text,
            )
            new_ids[item.pk] = copy.pk


def code_version_start_draft(*, code: Code, actor: User) -> CodeVersion:
    """Start a new draft by copying the latest version of the code.

    Before: the code has no draft. After: a draft numbered one above the latest
    version exists, with the latest version's content, and the copy is audited.
    """
    with transaction.atomic():
        Code.objects.select_for_update().get(pk=code.pk)
        if code.versions.filter(status=CodeVersion.Status.DRAFT).exists():
            raise ConductError("This code already has a draft. Edit or publish that draft first.")
        source = with_content(code.versions.order_by("-number")).first()
        draft = CodeVersion.objects.create(
            code=code,
            number=(source.number + 1) if source else 1,
            title=source.title if source else code.title,
            label="",
            version_date=None,
            preamble=source.preamble if source else "",
            last_full_review_on=source.last_full_review_on if source else None,
            light_touch_review_months=source.light_touch_review_months if source else 12,
            full_review_months=source.full_review_months if source else 36,
            created_from=source,
        )
        if source:
            _copy_content(source=source, target=draft)
        audit_record(
            actor=actor, action="version.draft_started", subject=draft,
            summary=f"Draft version {draft.number} started" + (f" from version {source.number}" if source else ""),
        )
    return draft


DRAFT_FIELDS = (
    "title", "label", "version_date", "preamble", "last_full_review_on", "light_touch_review_months",
    "full_review_months",
)


def code_version_edit_draft(*, version: CodeVersion, actor: User, **fields) -> CodeVersion:
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        version = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if not version.is_draft:
            raise ConductError("This version has been published and can never be changed.")
        for name, value in fields.items():
            setattr(version, name, value)
        version.save()
        audit_record(actor=actor, action="version.draft_edited", subject=version, summary="Draft details edited")
    return version


def _draft_section(section_id: int) -> Section:
    section = Section.objects.select_related("version").get(pk=section_id)
    if not section.version.is_draft:
        raise ConductError("This version has been published and can never be changed.")
    return section


def item_edit(*, item: Item, actor: User, kind: str, title: str, text: str, topic: str = "", principle=None) -> Item:
    with transaction.atomic():
        CodeVersion.objects.select_for_update().get(sections__items=item)
        _draft_section(item.section_id)
        item.kind, item.title, item.text, item.topic, item.principle = kind, title, text, topic, principle
        item.full_clean()
        item.save()
        audit_record(actor=actor, action="item.edited", subject=item, summary=f"Item edited: {item.text[:80]}")
    return item


def item_add(*, section: Section, actor: User, kind: str, title: str, text: str, topic: str = "", principle=None) -> Item:
    with transaction.atomic():
        CodeVersion.objects.select_for_update().get(sections=section)
        _draft_section(section.pk)
        position = (section.items.aggregate(last=Max("position"))["last"] or 0) + 1
        item = Item(section=section, position=position, kind=kind, title=title, text=text, topic=topic, principle=principle)
        item.full_clean()
        item.save()
        audit_record(actor=actor, action="item.added", subject=item, summary=f"Item added: {item.text[:80]}")
    return item


def item_remove(*, item: Item, actor: User) -> None:
    with transaction.atomic():
        CodeVersion.objects.select_for_update().get(sections__items=item)
        _draft_section(item.section_id)
        audit_record(actor=actor, action="item.removed", subject=item, summary=f"Item removed: {item.text[:80]}")
        item.delete()


def item_move(*, item: Item, actor: User, up: bool) -> None:
    """Swap an item with its neighbour among the items at the same level."""
    with transaction.atomic():
        CodeVersion.objects.select_for_update().get(sections__items=item)
        _draft_section(item.section_id)
        siblings = Item.objects.filter(section_id=item.section_id, parent_id=item.parent_id)
        neighbour = (
            siblings.filter(position__lt=item.position).order_by("-position")
            if up
            else siblings.filter(position__gt=item.position).order_by("position")
        ).first()
        if neighbour is None:
            return
        # Move the item and its sub-points together, past the neighbour and its sub-points.
        first, second = (neighbour, item) if up else (item, neighbour)
        first_block = [first, *first.children.order_by("position")]
        second_block = [second, *second.children.order_by("position")]
        positions = sorted(i.position for i in first_block + second_block)
        for position, moving in zip(positions, second_block + first_block):
            Item.objects.filter(pk=moving.pk).update(position=position)
        audit_record(actor=actor, action="item.moved", subject=item, summary=f"Item moved {'up' if up else 'down'}")


def code_version_publish(*, version: CodeVersion, actor: User) -> CodeVersion:
    """Publish a draft; the version it replaces is superseded in the same transaction.

    Before: the version is a draft with at least one item. After: it is the
    code's one published version, its canonical text hashed, the previous one
    superseded, both audited, and the partners are asked to sign once this commits.
    """
    with transaction.atomic():
        Code.objects.select_for_update().get(pk=version.code_id)
        version = with_content(CodeVersion.objects.filter(pk=version.pk)).get()
        if version.status != CodeVersion.Status.DRAFT:
            raise ConductError(f"Only a draft can be published; this version is {version.get_status_display().lower()}.")
        if not Item.objects.filter(section__version=version).exists():
            raise ConductError("A version with no items cannot be published. Add the code's content first.")
        now = timezone.now()
        previous = CodeVersion.objects.filter(code_id=version.code_id, status=CodeVersion.Status.PUBLISHED).first()
        if previous:
            previous.status = CodeVersion.Status.SUPERSEDED
            previous.ended_at = now
            previous.save(update_fields=["status", "ended_at"])
            audit_record(
                actor=actor, action="version.superseded", subject=previous,
                summary=f"Version {previous.number} superseded by version {version.number}",
            )
        version.status = CodeVersion.Status.PUBLISHED
        version.published_at = now
        version.published_by = actor
        version.canonical_sha256 = text_sha256(version_canonical_text(version))
        version.save(update_fields=["status", "published_at", "published_by", "canonical_sha256"])
        audit_record(actor=actor, action="version.published", subject=version, summary=f"Version {version.number} published")
        transaction.on_commit(lambda: _queue_signature_requests(version.pk))
    return version


def _queue_signature_requests(version_id: int) -> None:
    from .tasks import send_signature_requests

    try:
        send_signature_requests.delay(version_id)
    except OperationalError:
        # The version is published whatever happens to the broker; the requests
        # can be sent again later with `send_signature_requests`, which is idempotent.
        logger.exception("Could not queue signature requests for version %s", version_id)


def code_version_withdraw(*, version: CodeVersion, actor: User, reason: str) -> CodeVersion:
    if not reason.strip():
        raise ConductError("Give the reason for withdrawing this version.")
    with transaction.atomic():
        version = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != CodeVersion.Status.PUBLISHED:
            raise ConductError("Only the published version can be withdrawn.")
        version.status = CodeVersion.Status.WITHDRAWN
        version.ended_at = timezone.now()
        version.save(update_fields=["status", "ended_at"])
        audit_record(actor=actor, action="version.withdrawn", subject=version, summary=f"Version {version.number} withdrawn", reason=reason)
    return version


def signature_record(*, partner: Partner, version: CodeVersion, typed_name: str) -> tuple[Signature, bool]:
    """Record a partner's signature of the published version.

    Signing twice returns the first signature unchanged. Returns (signature, created).
    """
    typed_name = " ".join(typed_name.split())
    if not typed_name:
        raise ConductError("Type your full name to sign.")
    with transaction.atomic():
        version = with_content(CodeVersion.objects.filter(pk=version.pk)).get()
        existing = Signature.objects.filter(partner=partner, version=version).first()
        if existing:
            return existing, False
        if version.status != CodeVersion.Status.PUBLISHED:
            raise ConductError(
                f"This version is {version.get_status_display().lower()} and can no longer be signed. "
                "Sign the current version instead."
            )
        if not partner_may_sign(partner, version):
            raise ConductError("Your organisation is not a current member of a partnership that adopts this code.")
        text = version_canonical_text(version)
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    partner=partner,
                    organisation_id=partner.organisation_id,
                    version=version,
                    typed_name=typed_name,
                    signed_at=timezone.now(),
                    signed_text=text,
                    text_sha256=text_sha256(text),
                )
        except IntegrityError:
            # Another request from the same partner signed in between.
            return Signature.objects.get(partner=partner, version=version), False
        audit_record(actor=partner.user, action="signature.recorded", subject=signature, summary=f"Signed {version}")
    return signature, True


def signature_requests_create_batch(*, version_id: int, after_partner_id: int, batch_size: int) -> tuple[list[int], int | None]:
    """Ask the next batch of partners to sign a newly published version.

    Safe to repeat: a partner is asked once per version. Returns the ids of the
    requests made in this batch and the partner id to continue after (None when done).
    """
    version = CodeVersion.objects.get(pk=version_id)
    if version.status != CodeVersion.Status.PUBLISHED:
        return [], None
    partner_ids = list(
        partners_expected_to_sign(version)
        .filter(pk__gt=after_partner_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    if not partner_ids:
        return [], None
    already_signed = set(Signature.objects.filter(version=version, partner_id__in=partner_ids).values_list("partner_id", flat=True))
    previous = {}
    for partner_id, previous_version_id in (
        Signature.objects.filter(partner_id__in=partner_ids, version__code_id=version.code_id, version__number__lt=version.number)
        .order_by("partner_id", "version__number")
        .values_list("partner_id", "version_id")
    ):
        previous[partner_id] = previous_version_id  # the last one wins: the latest version signed
    now = timezone.now()
    with transaction.atomic():
        SignatureRequest.objects.bulk_create(
            [
                SignatureRequest(partner_id=pid, version=version, previous_version_id=previous.get(pid), requested_at=now)
                for pid in partner_ids
                if pid not in already_signed
            ],
            ignore_conflicts=True,
        )
    request_ids = list(
        SignatureRequest.objects.filter(version=version, partner_id__in=partner_ids, emailed_at__isnull=True).values_list("pk", flat=True)
    )
    return request_ids, partner_ids[-1] if len(partner_ids) == batch_size else None


def signature_requests_email(*, request_ids: list[int]) -> int:
    """Email the partners asked to sign; each request is emailed once."""
    sent = 0
    with transaction.atomic():
        requests = list(
            SignatureRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=request_ids, emailed_at__isnull=True)
            .select_related("partner__user", "version__code", "previous_version")
        )
        for request in requests:
            notifications.send_signature_request(request)
            sent += 1
        SignatureRequest.objects.filter(pk__in=[r.pk for r in requests]).update(emailed_at=timezone.now())
    return sent


def membership_end(*, membership: Membership, ended_on: datetime.date, reason: str, actor: User | None) -> Membership:
    """End an organisation's membership of a partnership; its partners'
    signatures of the partnership's code end with it, for the same reason."""
    if not reason.strip():
        raise ConductError("Give the reason the membership ends.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("partnership").get(pk=membership.pk)
        if membership.ended_on is not None:
            return membership
        if ended_on < membership.started_on:
            raise ConductError("A membership cannot end before it started.")
        membership.ended_on = ended_on
        membership.ended_reason = reason
        membership.save(update_fields=["ended_on", "ended_reason"])
        Signature.objects.filter(
            organisation_id=membership.organisation_id,
            version__code_id=membership.partnership.code_id,
            status=Signature.Status.ACTIVE,
        ).update(status=Signature.Status.ENDED, ended_at=timezone.now(), ended_reason=reason)
        audit_record(actor=actor, action="membership.ended", subject=membership, summary=f"{membership} ended", reason=reason)
    return membership
