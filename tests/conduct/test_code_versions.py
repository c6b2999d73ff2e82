"""Code versions as records: a published version never changes, drafts are
copied from the latest version, publishing supersedes and asks partners to sign."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from conduct import services
from conduct.models import (
    AuditEntry,
    Code,
    CodeVersion,
    Item,
    Membership,
    Partner,
    Principle,
    PublishedVersionImmutable,
    Section,
    Signature,
    SignatureRequest,
    User,
)
from conduct.selectors import with_content
from conduct.tasks import send_signature_requests

HCA = "health-creation-alliance"
IMMUTABLE = "has been published and can never be changed"

pytestmark = pytest.mark.django_db


def version(number: int, slug: str = HCA) -> CodeVersion:
    return CodeVersion.objects.get(code__slug=slug, number=number)


def audit_actions(subject) -> list[str]:
    return list(
        AuditEntry.objects.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def content_snapshot(v: CodeVersion) -> list[tuple]:
    """Everything a version says, as plain values, in reading order."""
    v = with_content(CodeVersion.objects.filter(pk=v.pk)).get()
    rows = []
    for section in v.sections.all():
        positions = {item.pk: item.position for item in section.items.all()}
        for item in section.items.all():
            rows.append(
                (
                    section.position,
                    section.heading,
                    item.position,
                    item.kind,
                    item.topic,
                    item.principle_id,
                    item.title,
                    item.text,
                    positions.get(item.parent_id),
                )
            )
    return rows


def first_item(v: CodeVersion) -> Item:
    return Item.objects.filter(section__version=v).order_by("section__position", "position").first()


def publish_with_requests(draft, actor, capture):
    with capture(execute=True):
        return services.code_version_publish(version=draft, actor=actor)


# --- A published version never changes -------------------------------------------------


@pytest.mark.parametrize("number", [1, 2], ids=["superseded", "published"])
def test_a_published_version_refuses_a_direct_save(seed_codes, number):
    v = version(number)
    original = v.title
    v.title = "Something else"
    with pytest.raises(PublishedVersionImmutable, match=IMMUTABLE):
        v.save()
    assert version(number).title == original


def test_a_published_version_refuses_a_save_of_content_fields_even_with_update_fields(seed_codes):
    v = version(2)
    v.preamble = "Rewritten"
    with pytest.raises(PublishedVersionImmutable, match=IMMUTABLE):
        v.save(update_fields=["preamble"])
    with pytest.raises(PublishedVersionImmutable):
        v.save(update_fields=["status", "preamble"])
    assert version(2).preamble.startswith("The Health Creation Alliance models")


def test_a_published_version_refuses_a_queryset_update(seed_codes):
    with pytest.raises(PublishedVersionImmutable, match=IMMUTABLE):
        CodeVersion.objects.filter(code__slug=HCA, number=2).update(title="Rewritten")
    # A bulk update mixing a draft with a published version is refused as a whole.
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=None)
    with pytest.raises(PublishedVersionImmutable):
        CodeVersion.objects.filter(code__slug=HCA).update(label="Rewritten")
    assert version(2).title == "The Health Creation Alliance Code of Conduct"
    assert version(draft.number).label == ""


def test_a_published_version_refuses_to_be_deleted(seed_codes):
    v = version(2)
    with pytest.raises(PublishedVersionImmutable, match=IMMUTABLE):
        v.delete()
    with pytest.raises(PublishedVersionImmutable):
        CodeVersion.objects.filter(pk=v.pk).delete()
    assert CodeVersion.objects.filter(pk=v.pk).exists()


def test_the_sections_of_a_published_version_refuse_any_change(seed_codes):
    v = version(2)
    section = v.sections.order_by("position").first()
    heading = section.heading
    section.heading = "Rewritten"
    with pytest.raises(PublishedVersionImmutable, match=IMMUTABLE):
        section.save()
    with pytest.raises(PublishedVersionImmutable):
        section.delete()
    with pytest.raises(PublishedVersionImmutable):
        Section.objects.filter(version=v).update(heading="Rewritten")
    with pytest.raises(PublishedVersionImmutable):
        Section.objects.filter(version=v).delete()
    with pytest.raises(PublishedVersionImmutable):
        Section.objects.create(version=v, position=99, heading="Added later")
    assert list(v.sections.values_list("heading", flat=True))[0] == heading
    assert v.sections.count() == 3


def test_the_items_of_a_published_version_refuse_any_change(seed_codes):
    v = version(2)
    before = content_snapshot(v)
    item = first_item(v)
    item.text = "Rewritten"
    with pytest.raises(PublishedVersionImmutable, match=IMMUTABLE):
        item.save()
    with pytest.raises(PublishedVersionImmutable):
        item.delete()
    with pytest.raises(PublishedVersionImmutable):
        Item.objects.filter(section__version=v).update(text="Rewritten")
    with pytest.raises(PublishedVersionImmutable):
        Item.objects.filter(pk=item.pk).delete()
    with pytest.raises(PublishedVersionImmutable):
        Item.objects.create(section=item.section, position=99, kind="text", text="Slipped in later")
    assert content_snapshot(v) == before


def test_status_bookkeeping_may_still_be_saved_on_a_published_version(seed_codes):
    v = version(2)
    ended = timezone.now()
    v.status = CodeVersion.Status.WITHDRAWN
    v.ended_at = ended
    v.save(update_fields=["status", "ended_at"])
    v.refresh_from_db()
    assert (v.status, v.ended_at) == ("withdrawn", ended)


def test_only_one_version_of_a_code_can_be_published_at_a_time(seed_codes, ada):
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    # The base manager skips the model's guards, so this reaches the database's constraint.
    with pytest.raises(IntegrityError), transaction.atomic():
        CodeVersion._base_manager.filter(pk=draft.pk).update(
            status=CodeVersion.Status.PUBLISHED, published_at=timezone.now()
        )
    assert list(CodeVersion.objects.filter(code__slug=HCA, status="published").values_list("number", flat=True)) == [2]


@pytest.mark.parametrize("status", [CodeVersion.Status.DRAFT, CodeVersion.Status.PUBLISHED])
def test_a_superseded_version_cannot_be_moved_back(seed_codes, status):
    with pytest.raises(PublishedVersionImmutable):
        CodeVersion.objects.filter(code__slug=HCA, number=1).update(status=status)
    v1 = version(1)
    v1.status = status
    with pytest.raises(PublishedVersionImmutable):
        v1.save(update_fields=["status"])
    assert version(1).status == CodeVersion.Status.SUPERSEDED


def test_a_published_version_cannot_be_moved_back_to_draft(seed_codes):
    with pytest.raises(PublishedVersionImmutable):
        CodeVersion.objects.filter(code__slug=HCA, number=2).update(status=CodeVersion.Status.DRAFT)
    assert version(2).status == CodeVersion.Status.PUBLISHED


# --- Starting a draft -----------------------------------------------------------------


def test_starting_a_draft_copies_the_latest_version_word_for_word(seed_codes, ada):
    code = Code.objects.get(slug=HCA)
    v2 = version(2)

    draft = services.code_version_start_draft(code=code, actor=ada)

    assert (draft.number, draft.status, draft.created_from_id) == (3, "draft", v2.pk)
    assert (draft.title, draft.preamble, draft.last_full_review_on) == (v2.title, v2.preamble, v2.last_full_review_on)
    assert (draft.light_touch_review_months, draft.full_review_months) == (
        v2.light_touch_review_months,
        v2.full_review_months,
    )
    assert draft.published_at is None and draft.canonical_sha256 == ""
    assert list(draft.sections.values_list("position", "heading")) == list(
        v2.sections.values_list("position", "heading")
    )
    assert content_snapshot(draft) == content_snapshot(v2)
    # A copy, not the same rows.
    assert not Item.objects.filter(section__version=draft, pk__in=Item.objects.filter(section__version=v2)).exists()
    entry = AuditEntry.objects.get(action="version.draft_started", subject_id=str(draft.pk))
    assert entry.actor == ada and entry.subject_type == "conduct.codeversion"
    assert entry.summary == "Draft version 3 started from October 2023"


def test_starting_a_draft_keeps_sub_points_with_their_parents_and_rules_with_their_topics(seed_codes, ada):
    code = Code.objects.get(slug="nhs-managers-code")
    draft = services.code_version_start_draft(code=code, actor=ada)
    original = version(1, "nhs-managers-code")

    assert content_snapshot(draft) == content_snapshot(original)
    sub_points = list(
        Item.objects.filter(section__version=draft, parent__isnull=False).select_related("parent__section")
    )
    assert len(sub_points) == 24
    assert all(item.parent.section.version_id == draft.pk for item in sub_points)
    respect = next(item for item in sub_points if item.text == "treated with respect.")
    assert respect.parent.title == "7"
    assert set(Item.objects.filter(section__version=draft, kind="rule").values_list("topic", flat=True)) == {
        "duties",
        "breach",
        "rights",
    }


def test_starting_a_draft_copies_principles_of_public_life(seed_codes, ada):
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    principles = Item.objects.filter(section__version=draft, kind="principle").select_related("principle")
    assert [(i.title, i.principle.name) for i in principles] == [(p.name, p.name) for p in Principle.objects.all()]


def test_a_code_can_have_only_one_draft(seed_codes, ada):
    code = Code.objects.get(slug=HCA)
    services.code_version_start_draft(code=code, actor=ada)
    with pytest.raises(services.ConductError, match="already has a draft"):
        services.code_version_start_draft(code=code, actor=ada)
    assert code.versions.filter(status="draft").count() == 1


# --- Publishing -------------------------------------------------------------------------


def test_publishing_a_draft_supersedes_the_previous_version(seed_codes, ada, django_capture_on_commit_callbacks):
    code = Code.objects.get(slug=HCA)
    draft = services.code_version_start_draft(code=code, actor=ada)
    before = timezone.now()

    published = publish_with_requests(draft, ada, django_capture_on_commit_callbacks)

    v2, v3 = version(2), version(3)
    assert published.pk == v3.pk
    assert (v3.status, v3.published_by) == ("published", ada)
    assert v3.published_at >= before
    assert (v2.status, v2.ended_at) == ("superseded", v3.published_at)
    assert v3.canonical_sha256 and len(v3.canonical_sha256) == 64
    from conduct.canonical_text import text_sha256, version_canonical_text

    assert v3.canonical_sha256 == text_sha256(
        version_canonical_text(with_content(CodeVersion.objects.filter(pk=v3.pk)).get())
    )
    assert "version.superseded" in audit_actions(v2)
    assert audit_actions(v3) == ["version.draft_started", "version.published"]
    assert AuditEntry.objects.get(action="version.published", subject_id=str(v3.pk)).actor == ada


def test_publishing_happens_all_at_once_or_not_at_all(seed_codes, ada, monkeypatch):
    """If anything fails while publishing, the previous version stays the published one."""
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)

    def broken(**kwargs):
        if kwargs["action"] == "version.published":
            raise RuntimeError("disk full")
        return original(**kwargs)

    original = services.audit_record
    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.code_version_publish(version=draft, actor=ada)
    assert (version(2).status, version(2).ended_at) == ("published", None)
    assert version(3).status == "draft"


def test_an_empty_draft_cannot_be_published(seed_codes, ada):
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    Item.objects.filter(section__version=draft).delete()
    with pytest.raises(services.ConductError, match="no items cannot be published"):
        services.code_version_publish(version=draft, actor=ada)
    assert version(3).status == "draft" and version(2).status == "published"


def test_only_a_draft_can_be_published(seed_codes, ada):
    with pytest.raises(services.ConductError, match="Only a draft can be published; this version is superseded"):
        services.code_version_publish(version=version(1), actor=ada)
    with pytest.raises(services.ConductError, match="this version is published"):
        services.code_version_publish(version=version(2), actor=ada)
    assert version(1).status == "superseded" and version(2).status == "published"


def test_publishing_asks_every_partner_of_the_adopting_partnership_to_sign(
    seed_codes, ada, alice, bob, charlie, django_capture_on_commit_callbacks
):
    services.signature_record(partner=alice, version=version(2), typed_name="Alice Adams")
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)

    publish_with_requests(draft, ada, django_capture_on_commit_callbacks)

    v2, v3 = version(2), version(3)
    requests = {
        r.partner.user.username: r for r in SignatureRequest.objects.filter(version=v3).select_related("partner__user")
    }
    assert set(requests) == {"alice", "bob"}
    assert requests["alice"].previous_version == v2
    assert requests["bob"].previous_version is None
    assert all(r.emailed_at is not None for r in requests.values())

    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {("alice@example.org",), ("bob@example.org",)}
    to_alice, to_bob = by_recipient[("alice@example.org",)], by_recipient[("bob@example.org",)]
    assert to_alice.subject == "Please sign The Health Creation Alliance Code of Conduct, version 3"
    assert to_bob.subject.startswith("Please sign ")
    assert "http://testserver/codes/health-creation-alliance/versions/3/sign/" in to_alice.body
    assert "http://testserver/codes/health-creation-alliance/changes/?from=2" in to_alice.body
    assert "/changes/" not in to_bob.body
    html, _ = to_alice.alternatives[0]
    assert 'href="http://testserver/codes/health-creation-alliance/changes/?from=2&amp;to=3"' in html


def test_the_plain_text_email_links_to_a_working_changes_page(
    seed_codes, ada, alice, bob, client, django_capture_on_commit_callbacks
):
    """The text part of the email is not HTML: its link must not be HTML-escaped,
    or "?from=2&amp;to=3" loses the "to" version and the page shows an error."""
    services.signature_record(partner=alice, version=version(2), typed_name="Alice Adams")
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    publish_with_requests(draft, ada, django_capture_on_commit_callbacks)
    (to_alice,) = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    link = next(line for line in to_alice.body.splitlines() if "/changes/" in line).strip()

    assert link == "http://testserver/codes/health-creation-alliance/changes/?from=2&to=3", (
        f"the plain-text email's link is HTML-escaped: {link!r} (templates/emails/signature_request.txt "
        "is rendered with autoescaping on)"
    )
    response = client.get(link.removeprefix("http://testserver"))
    assert "From October 2023 to version 3" in response.content.decode()


def test_asking_partners_to_sign_twice_sends_no_more_emails(
    seed_codes, ada, alice, bob, django_capture_on_commit_callbacks
):
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    publish_with_requests(draft, ada, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2

    send_signature_requests(version(3).pk)
    send_signature_requests.delay(version(3).pk)

    assert len(mail.outbox) == 2
    assert SignatureRequest.objects.filter(version__number=3).count() == 2


def test_every_partner_is_asked_exactly_once_whatever_the_batch_size(
    seed_codes, ada, alice, bob, riverside, settings, django_capture_on_commit_callbacks
):
    more = [
        Partner.objects.create(
            user=User.objects.create_user(username=f"partner{n}", email=f"partner{n}@example.org", password="x"),
            organisation=riverside,
        )
        for n in range(3)
    ]
    settings.SIGNATURE_REQUEST_BATCH_SIZE = 1
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)

    publish_with_requests(draft, ada, django_capture_on_commit_callbacks)

    expected = {alice.pk, bob.pk, *(p.pk for p in more)}
    requested = list(SignatureRequest.objects.filter(version__number=3).values_list("partner_id", flat=True))
    assert sorted(requested) == sorted(expected)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["alice@example.org", "bob@example.org", "partner0@example.org", "partner1@example.org", "partner2@example.org"]
    )


def test_a_partner_who_already_signed_is_not_asked_again(
    seed_codes, ada, alice, bob, django_capture_on_commit_callbacks
):
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.code_version_publish(version=draft, actor=ada)
    services.signature_record(partner=alice, version=version(3), typed_name="Alice Adams")
    with django_capture_on_commit_callbacks(execute=True):  # the emails go once the requests are committed
        for callback in callbacks:
            callback()
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]


# --- Editing a draft's items ---------------------------------------------------------------


@pytest.fixture
def draft(seed_codes, ada):
    return services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)


def section_items(section) -> list[tuple]:
    return list(section.items.order_by("position").values_list("title", "text"))


def test_an_item_of_a_draft_can_be_edited(draft, ada):
    item = Item.objects.get(section__version=draft, title="Reciprocity")
    services.item_edit(item=item, actor=ada, kind="value", title="Reciprocity", text="We give back.")
    item.refresh_from_db()
    assert item.text == "We give back."
    assert audit_actions(item) == ["item.edited"]
    assert Item.objects.get(
        section__version__number=2, section__version__code__slug=HCA, title="Reciprocity"
    ).text.startswith("We seek")


def test_an_edit_that_breaks_the_rules_of_items_is_refused(draft, ada):
    from django.core.exceptions import ValidationError

    item = Item.objects.get(section__version=draft, title="Reciprocity")
    with pytest.raises(ValidationError):
        services.item_edit(item=item, actor=ada, kind="principle", title="Reciprocity", text="No principle chosen.")
    assert Item.objects.get(pk=item.pk).kind == "value"


def test_an_item_can_be_added_to_the_end_of_a_draft_section(draft, ada):
    section = draft.sections.order_by("position").first()
    last = section.items.order_by("-position").first()
    item = services.item_add(section=section, actor=ada, kind="value", title="Kindness", text="We are kind.")
    assert item.position == last.position + 1
    assert section_items(section)[-1] == ("Kindness", "We are kind.")
    assert audit_actions(item) == ["item.added"]


def test_an_item_can_be_removed_from_a_draft(draft, ada):
    item = Item.objects.get(section__version=draft, title="Reciprocity")
    item_pk = item.pk
    services.item_remove(item=item, actor=ada)
    assert not Item.objects.filter(pk=item_pk).exists()
    entry = AuditEntry.objects.get(action="item.removed", subject_id=str(item_pk))
    assert "We seek to build respectful" in entry.summary


def test_an_item_can_be_moved_up_and_down_among_its_siblings(draft, ada):
    section = draft.sections.order_by("position").first()
    titles = lambda: [t for t, _ in section_items(section)]  # noqa: E731
    assert titles()[4:7] == ["Self-organising", "Reciprocity", "Power-shifting"]
    reciprocity = Item.objects.get(section__version=draft, title="Reciprocity")

    services.item_move(item=reciprocity, actor=ada, up=True)
    assert titles()[4:7] == ["Reciprocity", "Self-organising", "Power-shifting"]

    services.item_move(item=Item.objects.get(pk=reciprocity.pk), actor=ada, up=False)
    services.item_move(item=Item.objects.get(pk=reciprocity.pk), actor=ada, up=False)
    assert titles()[4:7] == ["Self-organising", "Power-shifting", "Reciprocity"]
    assert audit_actions(reciprocity) == ["item.moved"] * 3


def test_moving_the_last_item_down_changes_nothing(draft, ada):
    section = draft.sections.order_by("position").first()
    before = section_items(section)
    services.item_move(item=section.items.order_by("-position").first(), actor=ada, up=False)
    assert section_items(section) == before


def test_moving_an_item_keeps_its_sub_points_with_it(seed_codes, ada):
    draft = services.code_version_start_draft(code=Code.objects.get(slug="nhs-managers-code"), actor=ada)
    section = draft.sections.get()

    def reading_order():
        return [
            (i.title, i.parent.title if i.parent_id else None)
            for i in section.items.order_by("position").select_related("parent")
        ]

    duty_two = Item.objects.get(section=section, title="2")
    services.item_move(item=duty_two, actor=ada, up=True)

    order = reading_order()
    duties = [title for title, parent in order if parent is None and title]
    assert duties[:3] == ["2", "1", "3"]
    # Every sub-point still comes straight after its own duty, in the same order as before.
    current = None
    for title, parent in order:
        if parent is None:
            current = title
        else:
            assert parent == current
    children_of_two = list(duty_two.children.order_by("position").values_list("text", flat=True))
    original_two = Item.objects.get(
        section__version__code__slug="nhs-managers-code", section__version__number=1, title="2"
    )
    assert children_of_two == list(original_two.children.order_by("position").values_list("text", flat=True))
    # Positions stay unique.
    positions = list(section.items.values_list("position", flat=True))
    assert len(positions) == len(set(positions))


def test_a_sub_point_moves_only_among_its_siblings(seed_codes, ada):
    draft = services.code_version_start_draft(code=Code.objects.get(slug="nhs-managers-code"), actor=ada)
    duty_one = Item.objects.get(section__version=draft, title="1")
    first, second, third = duty_one.children.order_by("position")
    services.item_move(item=first, actor=ada, up=True)  # already first: nothing happens
    services.item_move(item=third, actor=ada, up=True)
    assert list(duty_one.children.order_by("position").values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]


@pytest.mark.parametrize("operation", ["edit", "add", "remove", "move"])
def test_the_items_of_a_published_version_cannot_be_edited_added_removed_or_moved(seed_codes, ada, operation):
    v2 = version(2)
    before = content_snapshot(v2)
    item = Item.objects.get(section__version=v2, title="Reciprocity")
    calls = {
        "edit": lambda: services.item_edit(item=item, actor=ada, kind="value", title="Reciprocity", text="Changed"),
        "add": lambda: services.item_add(section=item.section, actor=ada, kind="value", title="New", text="New"),
        "remove": lambda: services.item_remove(item=item, actor=ada),
        "move": lambda: services.item_move(item=item, actor=ada, up=True),
    }
    with pytest.raises(services.ConductError, match="has been published and can never be changed"):
        calls[operation]()
    assert content_snapshot(v2) == before
    assert not AuditEntry.objects.filter(action__startswith="item.").exists()


def test_a_published_version_cannot_be_edited_through_the_draft_service(seed_codes, ada):
    with pytest.raises(services.ConductError, match="can never be changed"):
        services.code_version_edit_draft(version=version(2), actor=ada, title="Rewritten")
    assert version(2).title == "The Health Creation Alliance Code of Conduct"


# --- Withdrawing ------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_withdrawing_a_version_needs_a_reason(seed_codes, ada, reason):
    with pytest.raises(services.ConductError, match="Give the reason"):
        services.code_version_withdraw(version=version(2), actor=ada, reason=reason)
    assert version(2).status == "published"
    assert not AuditEntry.objects.filter(action="version.withdrawn").exists()


def test_withdrawing_a_version_records_why(seed_codes, ada):
    services.code_version_withdraw(version=version(2), actor=ada, reason="Published by mistake")
    v2 = version(2)
    assert v2.status == "withdrawn" and v2.ended_at is not None
    entry = AuditEntry.objects.get(action="version.withdrawn", subject_id=str(v2.pk))
    assert (entry.actor, entry.reason) == (ada, "Published by mistake")


def test_only_the_published_version_can_be_withdrawn(seed_codes, ada):
    with pytest.raises(services.ConductError, match="Only the published version"):
        services.code_version_withdraw(version=version(1), actor=ada, reason="Old")


# --- Ending a membership ------------------------------------------------------------------------


def test_ending_a_membership_ends_the_organisations_signatures_of_that_code(
    seed_codes, alliance, coalition, alice, bob, priya
):
    Membership.objects.create(
        organisation=alice.organisation, partnership=coalition, started_on=datetime.date(2024, 1, 1)
    )
    hca, _ = services.signature_record(partner=alice, version=version(2), typed_name="Alice Adams")
    c4pc, _ = services.signature_record(partner=alice, version=version(1, "c4pc-shared-code"), typed_name="Alice Adams")
    bobs, _ = services.signature_record(partner=bob, version=version(2), typed_name="Bob Brown")
    membership = Membership.objects.get(organisation=alice.organisation, partnership=alliance)

    services.membership_end(
        membership=membership, ended_on=timezone.localdate(), reason="Left the alliance", actor=priya
    )

    hca.refresh_from_db()
    assert (hca.status, hca.ended_reason) == ("ended", "Left the alliance")
    assert hca.ended_at is not None
    # Other codes and other organisations are untouched.
    assert Signature.objects.get(pk=c4pc.pk).status == "active"
    assert Signature.objects.get(pk=bobs.pk).status == "active"
    membership.refresh_from_db()
    assert (membership.ended_on, membership.ended_reason) == (timezone.localdate(), "Left the alliance")
    entry = AuditEntry.objects.get(action="membership.ended")
    assert (entry.actor, entry.reason) == (priya, "Left the alliance")


def test_ending_a_membership_needs_a_reason(seed_codes, alliance, alice):
    membership = Membership.objects.get(organisation=alice.organisation, partnership=alliance)
    with pytest.raises(services.ConductError, match="Give the reason"):
        services.membership_end(membership=membership, ended_on=timezone.localdate(), reason=" ", actor=None)
    assert Membership.objects.get(pk=membership.pk).ended_on is None
