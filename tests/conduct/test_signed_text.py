"""What a partner signs is exactly the code: sub-points under their own clause, numbers as written.

The members' code here is the one that showed the defect: clauses 4.1 to 4.4, clause
4.2 holding sub-points (a) and (b), whose positions count among themselves, so (a)
has the same position as 4.1.
"""

import datetime

import pytest

from conduct import services
from conduct.canonical_text import CURRENT_FORMAT, text_sha256, version_canonical_text
from conduct.models import Code, CodeVersion, Item, Section, Signature, SignedText
from conduct.selectors import with_content

HCA = "health-creation-alliance"

pytestmark = pytest.mark.django_db

# What the first canonical format made of the members' section of the draft below,
# as signed before the format was corrected: sub-point (a) under clause 4.1.
MEMBERS_SECTION_IN_FORMAT_1 = """## Members' conduct
- [rule] 4.1 A member declares any interest in a matter before it is discussed.
    - [rule] A member with a financial interest in a contract leaves the meeting while it is discussed.
- [rule] 4.2 A member keeps the partnership's business confidential:
    - [prohibition] A member will not share papers marked confidential.
- [commitment] 4.3 A member will treat every colleague with respect.
- [rule] 4.4 A member declares any gift worth more than £50.
"""

MEMBERS_SECTION_IN_ORDER = """## Members' conduct
- 4.1 [rule] A member declares any interest in a matter before it is discussed.
- 4.2 [rule] A member keeps the partnership's business confidential:
    - (a) [rule] A member with a financial interest in a contract leaves the meeting while it is discussed.
    - (b) [prohibition] A member will not share papers marked confidential.
- 4.3 [commitment] A member will treat every colleague with respect.
- 4.4 [rule] A member declares any gift worth more than £50.
"""


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 1, day, 10, tzinfo=datetime.UTC)


def add_members_section(draft: CodeVersion, *, numbers: bool = True) -> None:
    section = Section.objects.create(version=draft, position=99, heading="Members' conduct")

    def item(position, number, kind, text, parent=None):
        number_field = {"number": number} if numbers else {"title": number}
        return Item.objects.create(
            section=section, parent=parent, position=position, kind=kind, text=text, **number_field
        )

    item(1, "4.1", "rule", "A member declares any interest in a matter before it is discussed.")
    clause = item(2, "4.2", "rule", "A member keeps the partnership's business confidential:")
    item(3, "4.3", "commitment", "A member will treat every colleague with respect.")
    item(4, "4.4", "rule", "A member declares any gift worth more than £50.")
    # Sub-points count their positions among themselves, not among the clauses.
    item(
        1,
        "(a)" if numbers else "",
        "rule",
        "A member with a financial interest in a contract leaves the meeting while it is discussed.",
        clause,
    )
    item(2, "(b)" if numbers else "", "prohibition", "A member will not share papers marked confidential.", clause)


def published_members_code(ada, django_capture_on_commit_callbacks) -> CodeVersion:
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    add_members_section(draft)
    with django_capture_on_commit_callbacks(execute=True):
        return services.code_version_publish(version=draft, actor=ada)


def test_the_text_signed_puts_each_sub_point_under_its_own_clause(
    seed_codes, ada, alice, django_capture_on_commit_callbacks
):
    version = published_members_code(ada, django_capture_on_commit_callbacks)
    signature, _ = services.signature_record(partner=alice, version=version, typed_name="Alice Adams")
    assert MEMBERS_SECTION_IN_ORDER in signature.signed_text.text
    assert signature.text_sha256 == version.canonical_sha256 == text_sha256(signature.signed_text.text)
    assert CodeVersion.objects.get(pk=version.pk).canonical_format == CURRENT_FORMAT


def test_the_receipt_shows_the_numbered_text_in_order_and_intact(
    client, seed_codes, ada, alice, django_capture_on_commit_callbacks
):
    version = published_members_code(ada, django_capture_on_commit_callbacks)
    signature, _ = services.signature_record(partner=alice, version=version, typed_name="Alice Adams")
    client.force_login(alice.user)
    html = client.get(signature.get_absolute_url()).content.decode()
    assert "Intact" in html
    assert MEMBERS_SECTION_IN_ORDER.replace("'", "&#x27;") in html


def test_a_new_draft_copies_each_sub_point_under_its_own_clause(seed_codes, ada, django_capture_on_commit_callbacks):
    version = published_members_code(ada, django_capture_on_commit_callbacks)
    draft = services.code_version_start_draft(code=version.code, actor=ada)
    copied = Item.objects.get(section__version=draft, number="(a)")
    assert copied.parent.number == "4.2"
    content = with_content(CodeVersion.objects.filter(pk=draft.pk)).get()
    assert MEMBERS_SECTION_IN_ORDER in version_canonical_text(content)


def test_a_signature_made_in_the_first_format_still_verifies(client, seed_codes, ada, alice):
    """A version published before the format was corrected keeps its format: the text
    its partners signed then, misordered as it is, is still what the hash proves."""
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    add_members_section(draft, numbers=False)
    content = with_content(CodeVersion.objects.filter(pk=draft.pk)).get()
    CodeVersion.objects.filter(pk=draft.pk).update(canonical_format=1)
    content.canonical_format = 1
    old_text = version_canonical_text(content)
    assert MEMBERS_SECTION_IN_FORMAT_1 in old_text
    # As the first format's publishing and signing stored them.
    CodeVersion.objects.filter(code__slug=HCA, status="published").update(status="superseded", ended_at=at(1))
    CodeVersion.objects.filter(pk=draft.pk).update(
        status="published", published_at=at(2), canonical_sha256=text_sha256(old_text)
    )
    signature = Signature.objects.create(
        partner=alice,
        organisation=alice.organisation,
        version_id=draft.pk,
        typed_name="Alice Adams",
        signed_at=at(3),
        signed_text=SignedText.objects.create(sha256=text_sha256(old_text), text=old_text),
        text_sha256=text_sha256(old_text),
    )
    client.force_login(alice.user)
    html = client.get(signature.get_absolute_url()).content.decode()
    assert "Intact" in html and "does not match" not in html
    # Signing it now gives the same text, in the format it was published with.
    again = services.signature_record(partner=alice, version=CodeVersion.objects.get(pk=draft.pk), typed_name="A")[0]
    assert again.pk == signature.pk
    signed, _ = services.signature_record(
        partner=_bob(alice), version=CodeVersion.objects.get(pk=draft.pk), typed_name="Bob Brown"
    )
    assert signed.signed_text_id == signature.signed_text_id


def _bob(alice):
    from tests.conftest import make_partner

    return make_partner("bob2", "Bob", "Brown", alice.organisation)
