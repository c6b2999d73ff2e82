"""State changes in the conduct app: drafting, publishing and signing code versions."""

import datetime
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import capfirst, slugify

from . import notifications, review_schedule
from .audit_log import audit_entries_erase, audit_entry_append
from .canonical_text import CURRENT_FORMAT, text_sha256, version_canonical_text
from .code_import import Proposal

# Every app sends email through these (see email_delivery): offered to the others from here.
from .email_delivery import OutgoingEmail, email_fan_out, email_queue, emails_queue
from .item_tree import items_in_tree_order
from .models import (
    AuditEntry,
    Code,
    CodeReview,
    CodeVersion,
    Item,
    Membership,
    Organisation,
    Partner,
    Partnership,
    PartnershipRole,
    Principle,
    Role,
    RoleLabel,
    Section,
    Signature,
    SignatureRequest,
    SignedText,
    Suspension,
    User,
)
from .outbox import task_enqueue
from .selectors import (
    RunningSuspensions,
    active_signature,
    partner_may_sign,
    partners_expected_to_sign,
    running_suspensions,
    suspension_of,
    with_content,
)


class ConductError(ValidationError):
    """A request that the rules of the code's life cycle refuse, with a message for the user."""


def audit_record(*, actor: User | None, action: str, subject, summary: str, reason: str = "") -> AuditEntry:
    return audit_entry_append(
        actor=actor,
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        summary=summary,
        reason=reason,
    )


def fields_change(instance, changes: dict) -> list[str]:
    """Set the fields whose value differs and say what changed ("late after days: 28 to 14"),
    for the audit entry of a settings-like record; an empty list when nothing did."""
    described = []
    for name, value in changes.items():
        old = getattr(instance, name)
        if old != value:
            setattr(instance, name, value)
            described.append(f"{instance._meta.get_field(name).verbose_name}: {old} to {value}")
    return described


def partnership_policy_change(
    model, *, partnership: Partnership, actor: User | None, changes: dict, error: type[ConductError], name: str
) -> list[str]:
    """Save the fields of a partnership's policy (one row a partnership of `model`, made on first
    change) that differ, within the model's limits (else `error`, by field, and nothing is saved),
    with one audit entry listing them; what changed is returned, nothing when nothing did."""
    with transaction.atomic():
        policy, _ = model.objects.select_for_update().get_or_create(partnership=partnership)
        changed = fields_change(policy, changes)
        if not changed:
            return []
        try:
            policy.full_clean(exclude=["partnership"])
        except ValidationError as invalid:
            raise error(invalid.message_dict) from invalid
        policy.save()
        audit_record(
            actor=actor,
            action=f"{name}_policy.changed",
            subject=partnership,
            summary=f"{name.capitalize()} policy of {partnership}: " + "; ".join(changed),
        )
    return changed


def _copy_content(*, source: CodeVersion, target: CodeVersion) -> None:
    for section in source.sections.all():
        new_section = Section.objects.create(version=target, position=section.position, heading=section.heading)
        new_ids: dict[int, int] = {}
        # In tree order, a parent is copied before its sub-points.
        for item, _depth in items_in_tree_order(section.items.all()):
            copy = Item.objects.create(
                section=new_section,
                parent_id=new_ids.get(item.parent_id),
                position=item.position,
                number=item.number,
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
            actor=actor,
            action="version.draft_started",
            subject=draft,
            summary=f"{capfirst(draft.draft_name)} started" + (f" from {source.name}" if source else ""),
        )
    return draft


def code_create(*, title: str, partnership: Partnership, actor: User | None) -> Code:
    """A new code of conduct for a partnership, which adopts it in place of its current one.

    Before: the title is not blank. After: the code exists with no versions, owned
    by the partnership, and the partnership adopts it; both audited. Its first
    draft comes next, imported from its document or started empty.
    """
    title = " ".join(title.split())
    if not title:
        raise ConductError({"title": "Enter the title of the code"})
    with transaction.atomic():
        partnership = Partnership.objects.select_for_update().select_related("code").get(pk=partnership.pk)
        previous = partnership.code
        code = Code.objects.create(title=title, slug=_unique_slug(Code, title), owner=partnership.name)
        partnership.code = code
        partnership.save(update_fields=["code"])
        audit_record(
            actor=actor, action="code.created", subject=code, summary=f"Code {title} created for {partnership}"
        )
        audit_record(
            actor=actor,
            action="partnership.code_adopted",
            subject=partnership,
            summary=f"{partnership} adopts {title} in place of {previous}",
        )
    return code


def _principles_by_slug(slugs: set[str]) -> dict[str, Principle]:
    principles = {p.slug: p for p in Principle.objects.filter(slug__in=slugs)}
    missing = slugs - set(principles)
    if missing:
        raise ConductError(
            f"The catalogue of principles lacks {', '.join(sorted(missing))}: load the seed codes first."
        )
    return principles


def code_draft_import(*, code: Code, proposal: Proposal, actor: User | None, source: str) -> CodeVersion:
    """Make a draft of the code from an imported document, as the administrator corrected it.

    Before: the code has no draft, the proposal holds at least one item, and its
    light-touch reviews come at least as often as its full ones.
    After: a draft numbered one above the latest version holds the proposal's
    details, sections and items in the document's order, each sub-point under
    its clause; it is audited. Nothing is saved if any of it fails.
    """
    rows = proposal.items()
    if not rows:
        raise ConductError("The document holds no items to import.")
    principles = _principles_by_slug({item.principle for _s, item, _p in rows if item.principle})
    with transaction.atomic():
        Code.objects.select_for_update().get(pk=code.pk)
        if code.versions.filter(status=CodeVersion.Status.DRAFT).exists():
            raise ConductError("This code already has a draft. Publish or finish that draft before importing another.")
        latest = code.versions.order_by("-number").first()
        draft = CodeVersion(
            code=code,
            number=(latest.number + 1) if latest else 1,
            title=proposal.title[:200] or code.title,
            label=proposal.label[:100],
            version_date=proposal.version_date,
            preamble=proposal.preamble,
            last_full_review_on=proposal.last_full_review_on,
            light_touch_review_months=proposal.light_touch_review_months,
            full_review_months=proposal.full_review_months,
            created_from=latest,
        )
        refused = _review_schedule_refused(draft)
        if refused:
            raise ConductError(refused)
        draft.save()
        # In bulk, not a query or two an item (a 200-clause code has hundreds): the draft was made in
        # this transaction, so no published content needs the guard in save(). Sub-points go in
        # after the top level, whose primary keys they need.
        sections = Section.objects.bulk_create(
            Section(version=draft, position=position, heading=proposed.heading[:300])
            for position, proposed in enumerate(proposal.sections, start=1)
        )
        top = [
            (_imported_item(section, item, position, None, principles), item)
            for section, proposed in zip(sections, proposal.sections, strict=True)
            for position, item in enumerate(proposed.items, start=1)
        ]
        Item.objects.bulk_create(made for made, _item in top)
        Item.objects.bulk_create(
            _imported_item(parent.section, child, position, parent, principles)
            for parent, item in top
            for position, child in enumerate(item.children, start=1)
        )
        audit_record(
            actor=actor,
            action="version.draft_imported",
            subject=draft,
            summary=f"{capfirst(draft.draft_name)} imported from {source}: "
            f"{len(proposal.sections)} sections, {len(rows)} items",
        )
    return draft


def _imported_item(section: Section, item, position: int, parent: Item | None, principles) -> Item:
    made = Item(
        section=section,
        parent=parent,
        position=position,
        number=item.number[:30],
        kind=item.kind,
        topic=item.topic if item.kind == Item.Kind.RULE else "",
        principle=principles[item.principle] if item.kind == Item.Kind.PRINCIPLE and item.principle else None,
        title=item.title[:300],
        text=item.text,
    )
    # The draft was made in this transaction: the database's constraints check what remains
    # at insert, instead of a query per constraint for each of hundreds of items.
    made.full_clean(exclude=["section", "parent", "principle"], validate_unique=False, validate_constraints=False)
    return made


DRAFT_FIELDS = (
    "title",
    "label",
    "version_date",
    "preamble",
    "last_full_review_on",
    "light_touch_review_months",
    "full_review_months",
)


def _review_schedule_refused(version: CodeVersion) -> dict[str, str]:
    """What the rules of a review schedule refuse in the version's, by field."""
    refused = {}
    light, full = version.light_touch_review_months, version.full_review_months
    if light and full and light > full:
        refused["light_touch_review_months"] = "Light-touch reviews must come at least as often as full reviews"
    return refused


def code_version_edit_draft(
    *, version: CodeVersion, actor: User, summary: str = "Draft details edited", **fields
) -> CodeVersion:
    """Before: the version is a draft; light-touch reviews come at least as often as full ones.
    After: the fields given are saved under the draft's lock, with an audit entry."""
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        version = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if not version.is_draft:
            raise ConductError("This version has been published and can never be changed.")
        for name, value in fields.items():
            setattr(version, name, value)
        refused = {name: message for name, message in _review_schedule_refused(version).items() if name in fields}
        if refused:
            raise ConductError(refused)
        version.save()
        audit_record(actor=actor, action="version.draft_edited", subject=version, summary=summary)
    return version


def _draft_section(section_id: int) -> Section:
    section = Section.objects.select_related("version").get(pk=section_id)
    if not section.version.is_draft:
        raise ConductError("This version has been published and can never be changed.")
    return section


UNCHANGED = object()


def _place_under(item: Item, parent: Item | None) -> None:
    """Nest the item under a clause of its section (last among its sub-points), or lift it
    out to stand on its own straight after the clause it was under. Raises ConductError."""
    if parent is not None:
        if parent.section_id != item.section_id:
            raise ConductError({"parent": "A sub-point must be in the same section as its clause."})
        if parent.parent_id:
            raise ConductError({"parent": "Items nest one level only: choose an item that is not a sub-point."})
        if item.pk and (parent.pk == item.pk or item.children.exists()):
            raise ConductError({"parent": "This item has sub-points of its own, so it cannot become one."})
        last = Item.objects.filter(parent=parent).exclude(pk=item.pk).aggregate(last=Max("position"))["last"]
        item.parent, item.position = parent, (last or 0) + 1
        return
    former = item.parent
    after = (
        former.position
        if former
        else Item.objects.filter(section_id=item.section_id, parent=None).aggregate(last=Max("position"))["last"] or 0
    )
    Item.objects.filter(section_id=item.section_id, parent=None, position__gt=after).exclude(pk=item.pk).update(
        position=F("position") + 1
    )
    item.parent, item.position = None, after + 1


def item_edit(
    *,
    item: Item,
    actor: User,
    kind: str,
    title: str,
    text: str,
    topic: str = "",
    principle=None,
    number: str | None = None,
    parent=UNCHANGED,
) -> Item:
    """Before: the item's version is a draft. After: the item says what was given; given a
    number it has that number, given a parent (or None) it is a sub-point of it (or stands
    on its own); audited."""
    with transaction.atomic():
        CodeVersion.objects.select_for_update().get(sections__items=item)
        _draft_section(item.section_id)
        item.kind, item.title, item.text, item.topic, item.principle = kind, title, text, topic, principle
        if number is not None:
            item.number = number
        if parent is not UNCHANGED and parent != item.parent:
            _place_under(item, parent)
        item.full_clean()
        item.save()
        audit_record(actor=actor, action="item.edited", subject=item, summary=f"Item edited: {str(item)[:80]}")
    return item


def item_add(
    *,
    section: Section,
    actor: User,
    kind: str,
    title: str,
    text: str,
    topic: str = "",
    principle=None,
    number: str = "",
    parent: Item | None = None,
) -> Item:
    """Before: the section's version is a draft. After: the item is the last of the section,
    or the last sub-point of its parent; audited."""
    with transaction.atomic():
        CodeVersion.objects.select_for_update().get(sections=section)
        _draft_section(section.pk)
        item = Item(section=section, kind=kind, title=title, text=text, topic=topic, principle=principle, number=number)
        if parent is not None:
            _place_under(item, parent)
        else:
            item.position = (section.items.filter(parent=None).aggregate(last=Max("position"))["last"] or 0) + 1
        item.full_clean()
        item.save()
        audit_record(actor=actor, action="item.added", subject=item, summary=f"Item added: {str(item)[:80]}")
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
        for position, moving in zip(positions, second_block + first_block, strict=True):
            Item.objects.filter(pk=moving.pk).update(position=position)
        audit_record(actor=actor, action="item.moved", subject=item, summary=f"Item moved {'up' if up else 'down'}")


SECTION_HEADING_MAX = Section._meta.get_field("heading").max_length


def _section_heading(heading: str) -> str:
    heading = heading.strip()
    if not heading:
        raise ConductError({"heading": "Enter the section's heading"})
    if len(heading) > SECTION_HEADING_MAX:
        raise ConductError({"heading": f"The heading must be {SECTION_HEADING_MAX} characters or fewer"})
    return heading


def _draft_locked(version_id: int) -> CodeVersion:
    version = CodeVersion.objects.select_for_update().get(pk=version_id)
    if not version.is_draft:
        raise ConductError("This version has been published and can never be changed.")
    return version


def _sections_number(sections: list[Section | None]) -> None:
    """Number a version's sections 1, 2, 3… in the order given; None keeps the place of one
    about to be added. Contiguous positions make "after" and "up" mean one thing."""
    for position, section in enumerate(sections, start=1):
        if section is not None and section.position != position:
            section.position = position
            Section.objects.filter(pk=section.pk).update(position=position)


def section_add(*, version: CodeVersion, actor: User, heading: str, after: Section | None = None) -> Section:
    """Before: the version is a draft; `after`, if given, is one of its sections.
    After: a section with the heading stands straight after `after` (or last), the positions
    run 1, 2, 3…; audited."""
    heading = _section_heading(heading)
    with transaction.atomic():
        version = _draft_locked(version.pk)
        sections = list(version.sections.order_by("position", "pk"))
        if after is None:
            index = len(sections)
        elif after.version_id == version.pk and after in sections:
            index = sections.index(after) + 1
        else:
            raise ConductError({"after": "Choose a section of this draft"})
        _sections_number([*sections[:index], None, *sections[index:]])
        section = Section.objects.create(version=version, heading=heading, position=index + 1)
        audit_record(actor=actor, action="section.added", subject=section, summary=f"Section added: {heading[:80]}")
    return section


def section_rename(*, section: Section, actor: User, heading: str) -> Section:
    """Before: the section's version is a draft. After: the section has the heading; audited
    when it changed."""
    heading = _section_heading(heading)
    with transaction.atomic():
        _draft_locked(section.version_id)
        section = Section.objects.get(pk=section.pk)
        if section.heading == heading:
            return section
        former, section.heading = section.heading, heading
        section.save(update_fields=["heading"])
        audit_record(
            actor=actor,
            action="section.renamed",
            subject=section,
            summary=f"Section renamed from “{former[:60]}” to “{heading[:60]}”",
        )
    return section


def section_move(*, section: Section, actor: User, up: bool) -> None:
    """Swap a section with its neighbour, its items going with it; the first cannot go up
    nor the last down (nothing happens)."""
    with transaction.atomic():
        version = _draft_locked(section.version_id)
        sections = list(version.sections.order_by("position", "pk"))
        index = sections.index(section)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(sections):
            return
        sections[index], sections[other] = sections[other], sections[index]
        _sections_number(sections)
        audit_record(
            actor=actor,
            action="section.moved",
            subject=section,
            summary=f"Section moved {'up' if up else 'down'}: {sections[other].heading[:80]}",
        )


def section_remove(*, section: Section, actor: User) -> int:
    """Before: the section's version is a draft. After: the section and its items are gone,
    the others numbered 1, 2, 3…; audited with how many items went. Returns that number."""
    with transaction.atomic():
        version = _draft_locked(section.version_id)
        section = Section.objects.get(pk=section.pk)
        items = section.items.count()
        audit_record(
            actor=actor,
            action="section.removed",
            subject=section,
            summary=f"Section removed with {items} item{'' if items == 1 else 's'}: {section.heading[:80]}",
        )
        section.delete()
        _sections_number(list(version.sections.order_by("position", "pk")))
    return items


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
            raise ConductError(
                f"Only a draft can be published; this version is {version.get_status_display().lower()}."
            )
        if not Item.objects.filter(section__version=version).exists():
            raise ConductError("A version with no items cannot be published. Add the code's content first.")
        now = timezone.now()
        previous = CodeVersion.objects.filter(code_id=version.code_id, status=CodeVersion.Status.PUBLISHED).first()
        if previous:
            previous.status = CodeVersion.Status.SUPERSEDED
            previous.ended_at = now
            previous.save(update_fields=["status", "ended_at"])
            audit_record(
                actor=actor,
                action="version.superseded",
                subject=previous,
                summary=f"{capfirst(previous.name)} superseded by {version.name}",
            )
        version.status = CodeVersion.Status.PUBLISHED
        version.published_at = now
        version.published_by = actor
        version.canonical_format = CURRENT_FORMAT
        version.canonical_sha256 = text_sha256(version_canonical_text(version))
        version.save(update_fields=["status", "published_at", "published_by", "canonical_format", "canonical_sha256"])
        audit_record(
            actor=actor, action="version.published", subject=version, summary=f"{capfirst(version.name)} published"
        )
        task_enqueue("conduct.tasks.send_signature_requests", version_id=version.pk)
        # A version whose review is already due (its last full review long ago) shows it
        # overdue at once, not after the next daily run. The administrator publishing it
        # is looking at it; the overdue reminders tell the others.
        code_reviews_open_due(today=timezone.localdate(), code_id=version.code_id, notify=False)
    return version


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
        audit_record(
            actor=actor,
            action="version.withdrawn",
            subject=version,
            summary=f"{capfirst(version.name)} withdrawn",
            reason=reason,
        )
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
        existing = active_signature(partner, version)
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
        digest = text_sha256(text)
        signed_text, _ = SignedText.objects.get_or_create(sha256=digest, defaults={"text": text})
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    partner=partner,
                    organisation_id=partner.organisation_id,
                    version=version,
                    typed_name=typed_name,
                    signed_at=timezone.now(),
                    signed_text=signed_text,
                    text_sha256=digest,
                )
        except IntegrityError:
            # Another request from the same partner signed in between.
            return Signature.objects.get(partner=partner, version=version, status=Signature.Status.ACTIVE), False
        audit_record(actor=partner.user, action="signature.recorded", subject=signature, summary=f"Signed {version}")
    return signature, True


def _signature_requests_create_batch(*, version: CodeVersion, after_partner_id: int, batch_size: int) -> int | None:
    """Record the next batch of partners asked to sign; returns the partner id to continue after (None when done)."""
    partner_ids = list(
        partners_expected_to_sign(version)
        .filter(pk__gt=after_partner_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    if not partner_ids:
        return None
    already_signed = set(
        Signature.objects.filter(
            version=version, partner_id__in=partner_ids, status=Signature.Status.ACTIVE
        ).values_list("partner_id", flat=True)
    )
    previous = {}
    for partner_id, previous_version_id in (
        Signature.objects.filter(
            partner_id__in=partner_ids, version__code_id=version.code_id, version__number__lt=version.number
        )
        .order_by("partner_id", "version__number")
        .values_list("partner_id", "version_id")
    ):
        previous[partner_id] = previous_version_id  # the last one wins: the latest version signed
    now = timezone.now()
    SignatureRequest.objects.bulk_create(
        [
            SignatureRequest(partner_id=pid, version=version, previous_version_id=previous.get(pid), requested_at=now)
            for pid in partner_ids
            if pid not in already_signed
        ],
        ignore_conflicts=True,
    )
    return partner_ids[-1] if len(partner_ids) == batch_size else None


def signature_requests_send(*, version_id: int, batch_size: int) -> int:
    """Ask every partner expected to sign a published version, and not yet asked, to sign it.

    Before: nothing. After: one request per partner who has not signed, each marked
    emailed with its email queued, batch by batch; safe to repeat or to run twice at
    once: a partner is asked once per version. Returns how many were asked now.
    """
    version = CodeVersion.objects.get(pk=version_id)
    if version.status != CodeVersion.Status.PUBLISHED:
        return 0
    after_partner_id = 0
    while after_partner_id is not None:
        after_partner_id = _signature_requests_create_batch(
            version=version, after_partner_id=after_partner_id, batch_size=batch_size
        )
    return email_fan_out(
        SignatureRequest.objects.filter(version=version, emailed_at__isnull=True).select_related(
            "partner__user", "version__code", "previous_version"
        ),
        emails_for=lambda request: [notifications.signature_request_email(request)],
        mark={"emailed_at": timezone.now()},
        batch_size=batch_size,
    )


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
        audit_record(
            actor=actor, action="membership.ended", subject=membership, summary=f"{membership} ended", reason=reason
        )
    return membership


def membership_restore(*, membership: Membership, reason: str, actor: User | None) -> Membership:
    """Restore an ended membership (its ending overturned on appeal) and ask its partners to sign again.

    Before: the membership ended and the organisation has no other current membership of the
    partnership. After: the membership runs again from its first start, the ending stays in the
    audit log; each active partner of the organisation is asked afresh to sign the code's
    published version (their ended signatures stay in the record); the audit entry.
    """
    if not reason.strip():
        raise ConductError("Give the reason the membership is restored.")
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("partnership", "organisation")
            .get(pk=membership.pk)
        )
        if membership.ended_on is None:
            return membership
        if Membership.objects.filter(
            organisation_id=membership.organisation_id, partnership_id=membership.partnership_id, ended_on__isnull=True
        ).exists():
            raise ConductError(f"{membership.organisation} is already a member of {membership.partnership} again.")
        ended = f"ended {membership.ended_on.isoformat()}: {membership.ended_reason}"
        membership.ended_on, membership.ended_reason = None, ""
        membership.save(update_fields=["ended_on", "ended_reason"])
        audit_record(
            actor=actor,
            action="membership.restored",
            subject=membership,
            summary=f"{membership} restored (had {ended})",
            reason=reason,
        )
        version = CodeVersion.objects.filter(
            code_id=membership.partnership.code_id, status=CodeVersion.Status.PUBLISHED
        ).first()
        if version is not None:
            now = timezone.now()
            for partner in Partner.objects.filter(organisation_id=membership.organisation_id, user__is_active=True):
                SignatureRequest.objects.update_or_create(
                    partner=partner,
                    version=version,
                    defaults={"requested_at": now, "emailed_at": None, "last_reminded_at": None, "reminder_count": 0},
                )
            task_enqueue("conduct.tasks.send_signature_requests", version_id=version.pk)
    return membership


def signature_reminders_send(*, now: datetime.datetime, batch_size: int = 500) -> int:
    """Remind partners who were asked to sign and have not, first after the
    reminder interval and then again every interval; a partner who signs stops
    being reminded. Each request is reminded at most once per interval, however
    often this runs. Returns how many reminders were queued."""
    interval = datetime.timedelta(days=settings.SIGNATURE_REMINDER_INTERVAL_DAYS)
    due = (
        SignatureRequest.objects.filter(version__status=CodeVersion.Status.PUBLISHED, requested_at__lte=now - interval)
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - interval))
        .exclude(
            Exists(
                Signature.objects.filter(
                    version=OuterRef("version"), partner=OuterRef("partner"), status=Signature.Status.ACTIVE
                )
            )
        )
        .order_by("pk")
    )
    return email_fan_out(
        due.select_related("partner__user", "version__code"),
        emails_for=lambda request: [notifications.signature_reminder_email(request)],
        mark={"last_reminded_at": now, "reminder_count": F("reminder_count") + 1},
        batch_size=batch_size,
    )


def _administrators():
    return User.objects.filter(is_staff=True, is_active=True)


def code_reviews_open_due(*, today: datetime.date, code_id: int | None = None, notify: bool = True) -> list[CodeReview]:
    """Open the review that has fallen due for each published version (or the one
    code's) and assign it to the administrators, who are emailed once this commits.

    Before: nothing. After: for each code whose latest due review is not yet
    recorded, one open review; the database's unique constraint means running
    this twice, or from two beat processes at once, still opens it once.
    """
    opened = []
    administrators = list(_administrators())
    versions = CodeVersion.objects.filter(status=CodeVersion.Status.PUBLISHED, last_full_review_on__isnull=False)
    if code_id is not None:
        versions = versions.filter(code_id=code_id)
    for version in versions.select_related("code"):
        milestone = review_schedule.latest_due(
            review_schedule.review_milestones(
                last_full_review_on=version.last_full_review_on,
                light_touch_months=version.light_touch_review_months,
                full_months=version.full_review_months,
            ),
            today,
        )
        if (
            milestone is None
            or CodeReview.objects.filter(code_id=version.code_id, kind=milestone.kind, due_on=milestone.due_on).exists()
        ):
            continue
        try:
            with transaction.atomic():
                review = CodeReview.objects.create(
                    code_id=version.code_id,
                    version=version,
                    kind=milestone.kind,
                    due_on=milestone.due_on,
                    opened_at=timezone.now(),
                )
                review.assignees.set(administrators)
                audit_record(actor=None, action="review.opened", subject=review, summary=f"{review} opened")
                if notify:
                    emails_queue(notifications.review_opened_emails(review))
        except IntegrityError:
            continue  # another process opened it first
        opened.append(review)
    return opened


def code_reviews_remind_overdue(*, today: datetime.date) -> int:
    """Remind the assignees of each open review once it is overdue, then again
    every reminder interval until it is completed."""
    overdue_before = today - datetime.timedelta(days=settings.REVIEW_OVERDUE_AFTER_DAYS)
    remind_before = today - datetime.timedelta(days=settings.REVIEW_REMINDER_INTERVAL_DAYS)
    reminded = 0
    candidates = CodeReview.objects.filter(status=CodeReview.Status.OPEN, due_on__lt=overdue_before).filter(
        Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lte=remind_before)
    )
    for review in candidates.select_related("code").prefetch_related("assignees"):
        with transaction.atomic():
            # The conditional update makes sure two runs on the same day remind once.
            claimed = CodeReview.objects.filter(pk=review.pk, last_reminded_on=review.last_reminded_on).update(
                last_reminded_on=today, reminder_count=F("reminder_count") + 1
            )
            if claimed:
                review.reminder_count += 1
                emails_queue(notifications.review_overdue_emails(review))
                reminded += 1
    return reminded


def code_review_complete(*, review: CodeReview, actor: User, considered: str, outcome: str) -> CodeReview:
    """Record a review's conclusion.

    Before: the review is open. After: it is completed with who, when, what was
    considered and the outcome; minor edits or a new version start a draft from
    the current version; a full review resets the review cycle (at once when
    nothing changes, on publication of its draft otherwise). The next review is
    then due according to the schedule.
    """
    if not considered.strip():
        raise ConductError("Say what the review considered.")
    if outcome not in CodeReview.Outcome.values:
        raise ConductError("Choose the outcome of the review.")
    if outcome == CodeReview.Outcome.NEW_VERSION and review.kind != CodeReview.Kind.FULL:
        raise ConductError("Only a full review leads to a new version; a light-touch review can lead to minor edits.")
    with transaction.atomic():
        review = CodeReview.objects.select_for_update().select_related("code", "version").get(pk=review.pk)
        if review.status != CodeReview.Status.OPEN:
            raise ConductError("This review has already been completed.")
        today = timezone.localdate()
        draft = None
        if outcome != CodeReview.Outcome.NO_CHANGE:
            draft = review.code.versions.filter(status=CodeVersion.Status.DRAFT).first()
            if draft is None:
                draft = code_version_start_draft(code=review.code, actor=actor)
            if review.kind == CodeReview.Kind.FULL:
                CodeVersion.objects.filter(pk=draft.pk).update(last_full_review_on=today)
        elif review.kind == CodeReview.Kind.FULL:
            CodeVersion.objects.filter(code_id=review.code_id, status=CodeVersion.Status.PUBLISHED).update(
                last_full_review_on=today
            )
        review.status = CodeReview.Status.COMPLETED
        review.completed_at = timezone.now()
        review.completed_by = actor
        review.considered = considered.strip()
        review.outcome = outcome
        review.draft = draft
        review.save()
        audit_record(
            actor=actor,
            action="review.completed",
            subject=review,
            summary=f"{review} completed: {review.get_outcome_display()}",
            reason=review.considered,
        )
    return review


def code_version_set_review_schedule(
    *,
    version: CodeVersion,
    actor: User,
    last_full_review_on: datetime.date,
    light_touch_review_months: int,
    full_review_months: int,
) -> CodeVersion:
    """Set the review bookkeeping of a published version (its text is untouched).

    Before: light-touch reviews come at least as often as full ones, and the last full
    review has happened (else ConductError by field). After: saved, with an audit entry."""
    with transaction.atomic():
        version = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if version.status not in (CodeVersion.Status.PUBLISHED, CodeVersion.Status.DRAFT):
            raise ConductError("Only the current version of a code has a review schedule.")
        version.last_full_review_on = last_full_review_on
        version.light_touch_review_months = light_touch_review_months
        version.full_review_months = full_review_months
        refused = _review_schedule_refused(version)
        if last_full_review_on and last_full_review_on > timezone.localdate():
            refused["last_full_review_on"] = "The date of the last full review must be today or in the past"
        if refused:
            raise ConductError(refused)
        version.save(update_fields=sorted(CodeVersion.REVIEW_FIELDS))
        audit_record(
            actor=actor,
            action="version.review_schedule_set",
            subject=version,
            summary=f"Review schedule set: last full review {last_full_review_on:%-d %B %Y}, "
            f"light-touch every {light_touch_review_months} months, full every {full_review_months} months",
        )
    return version


# Partnership administration: partnerships, their member organisations, people and roles.


def _unique_slug(model, name: str, *, exclude_pk=None) -> str:
    base = slugify(name)[:70] or "unnamed"
    taken = set(model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_unique_name(model, name: str, *, field: str, exclude_pk=None) -> None:
    if model.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ConductError({field: f"There is already a {model._meta.verbose_name} called {name}"})


def partnership_create(*, actor: User, name: str, kind: str, code: Code) -> Partnership:
    """Before: no partnership has this name (in any case). After: it exists, adopting the code, audited."""
    name = " ".join(name.split())
    with transaction.atomic():
        _check_unique_name(Partnership, name, field="name")
        partnership = Partnership.objects.create(name=name, slug=_unique_slug(Partnership, name), kind=kind, code=code)
        audit_record(
            actor=actor, action="partnership.created", subject=partnership, summary=f"Partnership {name} created"
        )
    return partnership


def partnership_update(*, partnership: Partnership, actor: User, name: str, kind: str, code: Code) -> Partnership:
    name = " ".join(name.split())
    with transaction.atomic():
        partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
        _check_unique_name(Partnership, name, field="name", exclude_pk=partnership.pk)
        changes = [
            f"{label} {old} → {new}"
            for label, old, new in [
                ("name", partnership.name, name),
                ("kind", partnership.get_kind_display(), Partnership.Kind(kind).label),
                ("code", partnership.code.title, code.title),
            ]
            if old != new
        ]
        if not changes:
            return partnership
        partnership.name, partnership.kind, partnership.code = name, kind, code
        partnership.save(update_fields=["name", "kind", "code"])
        summary = "; ".join(changes)
        # Only the first letter: str.capitalize() would lower-case the names the entry records.
        audit_record(
            actor=actor, action="partnership.updated", subject=partnership, summary=summary[0].upper() + summary[1:]
        )
    return partnership


def organisation_for_name(name: str) -> Organisation | None:
    return Organisation.objects.filter(name__iexact=" ".join(name.split())).first()


def organisation_join(*, partnership: Partnership, actor: User, name: str, started_on: datetime.date) -> Membership:
    """An organisation (new, or already known by this name) joins the partnership.

    Before: it is not already a current member. After: an open membership from
    `started_on` exists, and the organisation (if new) and the membership are audited.
    """
    name = " ".join(name.split())
    with transaction.atomic():
        Partnership.objects.select_for_update().get(pk=partnership.pk)
        organisation = organisation_for_name(name)
        if organisation is None:
            organisation = Organisation.objects.create(name=name, slug=_unique_slug(Organisation, name))
            audit_record(
                actor=actor, action="organisation.created", subject=organisation, summary=f"Organisation {name} created"
            )
        elif Membership.objects.filter(organisation=organisation, partnership=partnership, ended_on__isnull=True):
            raise ConductError({"name": f"{organisation} is already a member of {partnership}"})
        membership = Membership.objects.create(
            organisation=organisation, partnership=partnership, started_on=started_on
        )
        audit_record(
            actor=actor,
            action="membership.started",
            subject=membership,
            summary=f"{membership} from {started_on.isoformat()}",
        )
    return membership


def email_normalised(email: str) -> str:
    """People are matched by email whatever its case: one person, one account."""
    return email.strip().lower()


def name_parts(name: str) -> tuple[str, str]:
    """A full name as given ("Mary Ann Smith") split into first names and a last name for sorting."""
    words = name.split()
    if len(words) < 2:
        return " ".join(words), ""
    return " ".join(words[:-1]), words[-1]


def username_for(email: str) -> str:
    # Usernames are capped at 150 characters; emails may run to 254.
    return email if len(email) <= 150 else hashlib.sha256(email.encode()).hexdigest()


def person_add(
    *,
    actor: User,
    partnership: Partnership,
    name: str,
    email: str,
    organisation: Organisation | None,
    job_title: str = "",
    roles: list[str] = (),
) -> User:
    """Add a person to a partnership: a partner of one of its member organisations,
    or someone who only holds a role there, or both.

    Before: nobody has this email, or the person is already known (one person, one
    account, whatever their partnerships) and is not a partner of another organisation.
    After: the account exists with no password (the person sets their own from an
    invitation), the partner record and roles exist, and each is audited.
    """
    email = email_normalised(email)
    first_name, last_name = name_parts(name)
    with transaction.atomic():
        Partnership.objects.select_for_update().get(pk=partnership.pk)
        user = User.objects.filter(email__iexact=email).select_related("partner").first()
        if user is None:
            user = User(username=username_for(email), email=email, first_name=first_name, last_name=last_name)
            user.set_unusable_password()
            user.save()
            audit_record(actor=actor, action="person.created", subject=user, summary=f"{user.display_name} added")
        if organisation is not None:
            partner = Partner.objects.filter(user=user).first()
            if partner is None:
                partner = Partner.objects.create(user=user, organisation=organisation, job_title=job_title)
                audit_record(
                    actor=actor, action="partner.added", subject=partner, summary=f"{partner} added as a partner"
                )
            elif partner.organisation_id != organisation.pk:
                raise ConductError({"email": f"{user.display_name} is already a partner at {partner.organisation}"})
        for role in roles:
            role_grant(partnership=partnership, user=user, role=role, actor=actor)
    return user


def person_update(*, partner: Partner, actor: User, name: str, job_title: str) -> Partner:
    first_name, last_name = name_parts(name)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().select_related("user").get(pk=partner.pk)
        user = partner.user
        if (user.first_name, user.last_name, partner.job_title) == (first_name, last_name, job_title):
            return partner
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
        partner.job_title = job_title
        partner.save(update_fields=["job_title"])
        audit_record(
            actor=actor, action="partner.updated", subject=partner, summary=f"{partner}: name and job title {job_title}"
        )
    return partner


# Roles in which a person judges others: a suspended person is appointed to none of them.
JUDGING_ROLES = (Role.PANEL_MEMBER, Role.DECLARATIONS_REVIEWER)


def _appointment_refused(user: User, role: str, suspension: Suspension) -> str:
    return (
        f"{user.display_name} cannot be made a {Role(role).label.lower()} while "
        f"{suspension.person_name or suspension.organisation} is suspended from "
        f"{suspension.partnership} (until {suspension.ends_on.day} {suspension.ends_on:%B %Y}): {suspension.reason}"
    )


def role_grant(*, partnership: Partnership, user: User, role: str, actor: User) -> PartnershipRole:
    """Idempotent: granting a role someone already holds changes nothing.

    Before: someone suspended (their organisation, or they by name) is not newly
    made a panel member or a reviewer of declarations while the suspension runs."""
    with transaction.atomic():
        if (
            role in JUDGING_ROLES
            and not PartnershipRole.objects.filter(partnership=partnership, user=user, role=role).exists()
        ):
            suspension = suspension_of(user)
            if suspension is not None:
                raise ConductError({"roles": _appointment_refused(user, role, suspension)})
        held, created = PartnershipRole.objects.get_or_create(
            partnership=partnership, user=user, role=role, defaults={"granted_at": timezone.now()}
        )
        if created:
            audit_record(actor=actor, action="role.granted", subject=held, summary=f"{held} granted")
            _decision_makers_ask_on_appointment([held], partnership=partnership)
    return held


def _decision_makers_ask_on_appointment(roles: list[PartnershipRole], *, partnership: Partnership) -> None:
    """Decision-makers declare on appointment (NHS England's guidance): each newly appointed one
    is asked, once; the round of annual confirmations under way counts this as its ask."""
    emails_queue(
        [
            OutgoingEmail(
                purpose=f"decision-maker-appointed:{role.pk}",
                to=role.user.email,
                template="emails/decision_maker_appointed",
                context={"partnership": partnership.name, "url": settings.SITE_URL + "/declarations/new/"},
            )
            for role in roles
            if role.role == Role.DECISION_MAKER and role.user.email
        ]
    )


def role_revoke(*, partnership: Partnership, user: User, role: str, actor: User) -> None:
    with transaction.atomic():
        held = PartnershipRole.objects.select_for_update().filter(partnership=partnership, user=user, role=role).first()
        if held is None:
            return
        audit_record(actor=actor, action="role.revoked", subject=held, summary=f"{held} revoked")
        held.delete()


def role_labels_set(*, partnership: Partnership, actor: User, labels: dict[str, str]) -> None:
    """What the partnership calls each role; an empty label goes back to the standard name."""
    with transaction.atomic():
        current = {label.role: label for label in RoleLabel.objects.select_for_update().filter(partnership=partnership)}
        for role, text in labels.items():
            text = " ".join(text.split())
            existing = current.get(role)
            if text == (existing.label if existing else ""):
                continue
            if not text:
                existing.delete()
            else:
                RoleLabel.objects.update_or_create(partnership=partnership, role=role, defaults={"label": text})
            standard = Role(role).label
            audit_record(
                actor=actor,
                action="role_label.set",
                subject=partnership,
                summary=f"{standard} is called {text or 'by its standard name'} in {partnership}",
            )


def person_roles_set(
    *, partnership: Partnership, user: User, roles: list[str], grantable: list[str], actor: User
) -> None:
    """Grant the roles ticked and revoke those unticked, among the roles the actor may grant."""
    with transaction.atomic():
        for role in grantable:
            if role in roles:
                role_grant(partnership=partnership, user=user, role=role, actor=actor)
            else:
                role_revoke(partnership=partnership, user=user, role=role, actor=actor)


def organisation_contact_set(*, organisation: Organisation, partner: Partner | None, actor: User) -> Organisation:
    """Name the partner who is told of a concern about the organisation that names someone with no
    account there (rather than every partner of it), or name nobody.

    Before: the partner works for the organisation. After: they are its one contact (replacing
    any other), with an audit entry; naming the contact there already is changes nothing.
    """
    if partner is not None and partner.organisation_id != organisation.pk:
        raise ConductError(f"{partner.user.display_name} works for {partner.organisation}, not {organisation}.")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.contact_id == (partner.pk if partner else None):
            return organisation
        organisation.contact = partner
        organisation.save(update_fields=["contact"])
        audit_record(
            actor=actor,
            action="organisation.contact_set",
            subject=organisation,
            summary=f"{organisation}: contact for concerns "
            + (f"is {partner.user.display_name}" if partner else "removed"),
        )
    return organisation


def person_details_set(
    *,
    partner: Partner,
    partnership: Partnership,
    actor: User,
    name: str,
    job_title: str,
    roles: list[str],
    grantable: list[str],
    organisation_contact: bool | None = None,
) -> None:
    """A partner's name, job title and roles in the partnership, and whether they are their
    organisation's contact for concerns (None: leave it as it is); all saved or (a role refused) none."""
    with transaction.atomic():
        person_update(partner=partner, actor=actor, name=name, job_title=job_title)
        person_roles_set(partnership=partnership, user=partner.user, roles=roles, grantable=grantable, actor=actor)
        is_contact = Organisation.objects.filter(pk=partner.organisation_id, contact=partner).exists()
        if organisation_contact is not None and organisation_contact != is_contact:
            organisation_contact_set(
                organisation=partner.organisation, partner=partner if organisation_contact else None, actor=actor
            )


def _chunks(items: Iterable, size: int = 1000) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def people_record_many(
    *,
    partnership: Partnership,
    actor: User | None,
    people: Iterable,
    source: str,
    on_created: Callable[[list[int]], None] | None = None,
) -> dict:
    """Record a checked list of people (each with email, name, organisation_id, job_title, roles, number)
    in one transaction: new people are created, changed ones updated, the same ones left alone, so
    recording the same list twice changes nothing. People are matched by email across partnerships.
    `people` is read once, a thousand at a time, and nothing of a chunk is kept once it is written;
    `on_created` is given the ids of each chunk's new accounts (to invite them in the same transaction).

    Before: each person is new or a partner of the same organisation as listed (or of none).
    After: every person, partner record and role exists as listed, and one audit entry counts them.
    Returns the counts.
    """
    with transaction.atomic():
        Partnership.objects.select_for_update().get(pk=partnership.pk)
        batch = _PeopleBatch(partnership=partnership, suspensions=running_suspensions())
        # A problem anywhere still undoes everything, as the transaction does.
        for chunk in _chunks(people):
            created_ids = batch.record(chunk)
            if created_ids and on_created is not None:
                on_created(created_ids)
        if batch.problems:
            raise ConductError(batch.problems)
        counts = {
            "created": batch.created,
            "updated": batch.updated,
            "unchanged": batch.people - batch.created - batch.updated,
        }
        if counts["created"] or counts["updated"]:
            audit_record(
                actor=actor,
                action="people.imported",
                subject=partnership,
                summary=(
                    f"{source} imported into {partnership}: {counts['created']} people created, "
                    f"{counts['updated']} updated, {counts['unchanged']} unchanged"
                ),
            )
    return counts


@dataclass
class _PeopleBatch:
    """What people_record_many carries from one chunk of the list to the next: counts, and nothing
    that grows with the list."""

    partnership: Partnership
    suspensions: RunningSuspensions
    organisation_names: dict[int, str] = field(default_factory=dict)
    people: int = 0
    created: int = 0
    updated: int = 0
    problems: list[str] = field(default_factory=list)

    def record(self, people: list) -> list[int]:
        """Record one chunk; the ids of the accounts it created."""
        self.people += len(people)
        missing_names = {person.organisation_id for person in people} - self.organisation_names.keys()
        if missing_names:
            self.organisation_names.update(Organisation.objects.filter(pk__in=missing_names).values_list("pk", "name"))
        known = {}
        # Accounts made elsewhere (the admin, older imports) may keep capitals in their email.
        for user in User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=[person.email for person in people]
        ):
            known[user.email_lower] = user
        # Read apart from their accounts, and new ones made by id: an account and its partner record
        # that point at each other are a cycle, which only the garbage collector frees, long after
        # its chunk is written; the memory of a long list would grow with it.
        partners = {
            partner.user_id: partner
            for partner in Partner.objects.filter(user__in=known.values()).select_related("organisation")
        }
        conflicts = []
        for person in people:
            user = known.get(person.email)
            partner = partners.get(user.pk) if user else None
            if partner is not None and partner.organisation_id != person.organisation_id:
                conflicts.append(f"Row {person.number}: {person.email} is already a partner at {partner.organisation}")
        if conflicts:
            self.problems.extend(conflicts)
            return []
        # The roles this chunk's people already hold here: read a chunk at a time, not for the partnership.
        held = set(
            PartnershipRole.objects.filter(
                partnership=self.partnership, user_id__in=[user.pk for user in known.values()]
            ).values_list("user_id", "role")
        )

        new_users = []
        for person in people:
            if person.email not in known:
                first_name, last_name = name_parts(person.name)
                user = User(
                    username=username_for(person.email), email=person.email, first_name=first_name, last_name=last_name
                )
                user.set_unusable_password()
                new_users.append(user)
        User.objects.bulk_create(new_users, batch_size=1000)
        # PostgreSQL and SQLite both return the new primary keys from a bulk insert.
        created_ids = {user.pk for user in new_users}
        self.created += len(created_ids)
        known.update((user.email, user) for user in new_users)

        new_partners, changed_users, changed_partners, updated = [], [], [], set()
        for person in people:
            user = known[person.email]
            first_name, last_name = name_parts(person.name)
            partner = partners.get(user.pk)
            if user.pk not in created_ids and (user.first_name, user.last_name) != (first_name, last_name):
                user.first_name, user.last_name = first_name, last_name
                changed_users.append(user)
                updated.add(person.email)
            if partner is None:
                new_partners.append(
                    Partner(user_id=user.pk, organisation_id=person.organisation_id, job_title=person.job_title)
                )
                if user.pk not in created_ids:
                    updated.add(person.email)
            elif partner.job_title != person.job_title:
                partner.job_title = person.job_title
                changed_partners.append(partner)
                updated.add(person.email)
        User.objects.bulk_update(changed_users, ["first_name", "last_name"], batch_size=1000)
        Partner.objects.bulk_create(new_partners, batch_size=1000)
        Partner.objects.bulk_update(changed_partners, ["job_title"], batch_size=1000)

        new_roles, granted_at = [], timezone.now()
        for person in people:
            user = known[person.email]
            for role in person.roles:
                if (user.pk, role) not in held:
                    if role in JUDGING_ROLES and (
                        suspension := self.suspensions.of(
                            organisation_name=self.organisation_names.get(person.organisation_id),
                            person_name=user.display_name,
                        )
                    ):
                        self.problems.append(f"Row {person.number}: {_appointment_refused(user, role, suspension)}")
                    new_roles.append(
                        PartnershipRole(partnership=self.partnership, user=user, role=role, granted_at=granted_at)
                    )
                    held.add((user.pk, role))
                    if user.pk not in created_ids:
                        updated.add(person.email)
        PartnershipRole.objects.bulk_create(new_roles, batch_size=1000)
        _decision_makers_ask_on_appointment(new_roles, partnership=self.partnership)
        self.updated += len(updated)
        return sorted(created_ids)


# --- Retention: erasing personal data ------------------------------------------------------

# What an erased text reads as, wherever the retention schedule erased one.
ERASED = "[Erased under the retention schedule]"


def signature_erase_personal_data(*, signature_id: int, reason: str) -> None:
    """Before: a signature keeps the name typed. After: the name reads as erased and its
    audit entries' words are erased, recorded; who signed which version when stays."""
    with transaction.atomic():
        Signature.objects.filter(pk=signature_id).update(typed_name=ERASED)
        audit_entries_erase(subject_type="conduct.signature", subject_id=str(signature_id), actor=None, reason=reason)


def account_erase_personal_data(*, user_id: int, reason: str) -> None:
    """Before: the account of someone who left holds their name, email and password.
    After: it is closed, named only by its number, and its audit entries' words are
    erased, recorded; records that point at the account keep pointing at it."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        user.username = f"erased-{user.pk}"
        user.first_name = user.last_name = ""
        user.email = f"erased-{user.pk}@erased.invalid"
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["username", "first_name", "last_name", "email", "is_active", "password"])
        Partner.objects.filter(user_id=user_id).update(job_title="")
        audit_entries_erase(subject_type="conduct.user", subject_id=str(user_id), actor=None, reason=reason)


def partners_leave(*, partner_ids: list[int], reason: str, actor: User | None) -> int:
    """People who have left their organisation: their accounts close and their signatures end.

    Before: the partners' accounts are open (closed ones are left alone, so running this twice
    ends each person once). After: each account is closed, each active signature ended with the
    reason, and each person's leaving is in the audit log. Returns how many left.
    """
    with transaction.atomic():
        leaving = list(
            Partner.objects.select_for_update(of=("self",))
            .filter(pk__in=partner_ids, user__is_active=True)
            .select_related("user", "organisation")
        )
        ids = [partner.pk for partner in leaving]
        User.objects.filter(partner__pk__in=ids).update(is_active=False)
        Signature.objects.filter(partner_id__in=ids, status=Signature.Status.ACTIVE).update(
            status=Signature.Status.ENDED, ended_at=timezone.now(), ended_reason=reason
        )
        for partner in leaving:
            audit_record(actor=actor, action="partner.left", subject=partner, summary=f"{partner} left", reason=reason)
    return len(leaving)


# --- Suspensions ---------------------------------------------------------------------------


def suspension_end_refusal(ends_on: datetime.date | None, *, today: datetime.date) -> str:
    """Why a suspension cannot end on this day, or '' when it can: the one rule for every
    floor that suspends, each tying it to its own field."""
    if ends_on is None:
        return "Enter the date the suspension ends"
    if ends_on <= today:
        return "The date the suspension ends must be in the future"
    return ""


def suspension_start(
    *,
    partnership: Partnership,
    organisation: Organisation,
    person_name: str = "",
    ends_on: datetime.date,
    reason: str,
    actor: User | None,
) -> Suspension:
    """Suspend an organisation (or one named person in it) from a partnership
    until the end date, for a decision taken elsewhere that the reason cites.

    Before: the end date is after today. After: the suspension, running from
    today; the decision check refuses those it covers; the audit entry.
    """
    today = timezone.localdate()
    refusal = suspension_end_refusal(ends_on, today=today)
    if refusal:
        raise ConductError({"ends_on": refusal})
    with transaction.atomic():
        suspension = Suspension.objects.create(
            partnership=partnership,
            organisation=organisation,
            person_name=" ".join(person_name.split()),
            starts_on=today,
            ends_on=ends_on,
            reason=reason,
        )
        audit_record(
            actor=actor, action="suspension.started", subject=suspension, summary=str(suspension), reason=reason
        )
    return suspension


def suspension_lift(*, suspension: Suspension, reason: str, actor: User | None) -> bool:
    """Lift a suspension, once; True if it was lifted now.

    Before: the suspension has not been lifted. After: lifted with the reason,
    the audit entry, and the people it covered told by email after the commit.
    """
    with transaction.atomic():
        suspension = (
            Suspension.objects.select_for_update(of=("self",))
            .select_related("partnership", "organisation")
            .get(pk=suspension.pk)
        )
        if suspension.lifted_at is not None:
            return False
        suspension.lifted_at, suspension.lifted_reason = timezone.now(), reason
        suspension.save(update_fields=["lifted_at", "lifted_reason"])
        audit_record(
            actor=actor, action="suspension.lifted", subject=suspension, summary=f"{suspension} lifted", reason=reason
        )
        _suspension_lifted_emails_queue(suspension)
    return True


def suspensions_lift_due(*, today: datetime.date) -> int:
    """Lift every suspension whose end date has come; safe to run twice. Returns how many were lifted."""
    due = Suspension.objects.filter(lifted_at__isnull=True, ends_on__lte=today)
    return sum(
        suspension_lift(suspension=suspension, reason="The suspension ended on its end date.", actor=None)
        for suspension in due
    )


def _suspension_lifted_emails_queue(suspension: Suspension) -> None:
    """Tell the people the suspension covered: its organisation's partners, or the one it named."""
    people = User.objects.filter(is_active=True, partner__organisation_id=suspension.organisation_id).exclude(email="")
    context = {
        "organisation": suspension.organisation.name,
        "partnership": suspension.partnership.name,
        "person_name": suspension.person_name,
        "reason": suspension.lifted_reason,
    }
    for user in people:
        if not suspension.person_name or user.display_name.lower() == suspension.person_name.lower():
            email_queue(
                purpose=f"suspension-lifted:{suspension.pk}",
                to=user.email,
                template="emails/suspension_lifted",
                context=context,
            )
