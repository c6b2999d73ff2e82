"""Partners sign the published version of their partnership's code; each
signature keeps the exact text signed and its hash."""

import hashlib

import pytest
from django.utils import timezone

from conduct import services
from conduct.canonical_text import version_canonical_text
from conduct.models import AuditEntry, Code, CodeVersion, Item, Signature, SignedText
from conduct.selectors import with_content

HCA = "health-creation-alliance"
SIGN_V2 = "/codes/health-creation-alliance/versions/2/sign/"

pytestmark = pytest.mark.django_db


def version(number: int, slug: str = HCA) -> CodeVersion:
    return CodeVersion.objects.get(code__slug=slug, number=number)


def sign(partner, number=2, slug=HCA, name="Alice Adams"):
    signature, _ = services.signature_record(partner=partner, version=version(number, slug), typed_name=name)
    return signature


def publish_version_3(ada, django_capture_on_commit_callbacks):
    """Version 3 of the alliance's code: Reciprocity reworded."""
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    item = Item.objects.get(section__version=draft, title="Reciprocity")
    services.item_edit(item=item, actor=ada, kind="value", title="Reciprocity", text="We give as well as take.")
    with django_capture_on_commit_callbacks(execute=True):
        services.code_version_publish(version=draft, actor=ada)
    return version(3)


# --- The signing service -----------------------------------------------------------------


def test_a_signature_keeps_who_signed_what_and_when_with_the_exact_text(seed_codes, alice):
    before = timezone.now()
    signature, created = services.signature_record(partner=alice, version=version(2), typed_name="  Alice   Adams ")

    assert created
    assert (signature.partner, signature.organisation, signature.version) == (alice, alice.organisation, version(2))
    assert signature.typed_name == "Alice Adams"
    assert before <= signature.signed_at <= timezone.now()
    expected_text = version_canonical_text(with_content(CodeVersion.objects.filter(pk=version(2).pk)).get())
    stored = Signature.objects.get(pk=signature.pk)
    assert stored.signed_text.text == expected_text
    assert stored.text_sha256 == hashlib.sha256(expected_text.encode("utf-8")).hexdigest()
    assert stored.text_sha256 == version(2).canonical_sha256
    assert stored.signed_text.text.startswith("The Health Creation Alliance Code of Conduct\nOctober 2023\n")
    assert "- [value] Reciprocity We seek to build respectful" in stored.signed_text.text
    assert stored.status == "active" and stored.signed_text_intact
    entry = AuditEntry.objects.get(action="signature.recorded", subject_id=str(signature.pk))
    assert entry.actor == alice.user and entry.subject_type == "conduct.signature"


def test_signing_twice_returns_the_first_signature(seed_codes, alice):
    first, created_first = services.signature_record(partner=alice, version=version(2), typed_name="Alice Adams")
    again, created_again = services.signature_record(partner=alice, version=version(2), typed_name="A. Adams")
    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk and again.typed_name == "Alice Adams"
    assert Signature.objects.filter(partner=alice).count() == 1
    assert AuditEntry.objects.filter(action="signature.recorded").count() == 1


def test_a_partner_cannot_sign_a_superseded_version(seed_codes, alice):
    with pytest.raises(services.ConductError, match="superseded and can no longer be signed. Sign the current version"):
        services.signature_record(partner=alice, version=version(1), typed_name="Alice Adams")
    assert not Signature.objects.exists()
    assert not AuditEntry.objects.filter(action="signature.recorded").exists()


def test_a_partner_cannot_sign_a_draft(seed_codes, alice, ada):
    draft = services.code_version_start_draft(code=Code.objects.get(slug=HCA), actor=ada)
    with pytest.raises(services.ConductError, match="draft and can no longer be signed"):
        services.signature_record(partner=alice, version=draft, typed_name="Alice Adams")
    assert not Signature.objects.exists()


def test_a_partner_cannot_sign_the_code_of_a_partnership_their_organisation_is_not_in(seed_codes, charlie):
    with pytest.raises(services.ConductError, match="not a current member of a partnership that adopts this code"):
        services.signature_record(partner=charlie, version=version(2), typed_name="Charlie Cole")
    assert not Signature.objects.exists()


def test_a_partner_must_type_a_name_to_sign(seed_codes, alice):
    with pytest.raises(services.ConductError, match="Type your full name"):
        services.signature_record(partner=alice, version=version(2), typed_name="   ")
    assert not Signature.objects.exists()


# --- Signing in the browser -----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_to_sign(client, seed_codes):
    response = client.get(SIGN_V2)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={SIGN_V2}"


def test_a_partner_sees_the_code_and_the_signing_form(client, alice):
    client.force_login(alice.user)
    response = client.get(SIGN_V2)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Read and sign the code of conduct" in html
    assert "The Health Creation Alliance Code of Conduct" in html
    assert "Reciprocity" in html and "Holders of public office should be truthful." in html
    assert 'name="confirm"' in html and 'name="typed_name"' in html
    assert 'value="Alice Adams"' in html  # the name is offered
    assert "Sign the code" in html


def test_signing_without_agreeing_or_a_name_shows_the_errors(client, alice):
    client.force_login(alice.user)
    response = client.post(SIGN_V2, {"typed_name": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert html.count("Confirm that you have read the code and agree to follow it") >= 2  # summary and field
    assert html.count("Type your full name to sign") >= 2
    assert "govuk-error-message" in html
    assert not Signature.objects.exists()


def test_signing_without_agreeing_keeps_the_typed_name(client, alice):
    client.force_login(alice.user)
    response = client.post(SIGN_V2, {"typed_name": "Alice Q. Adams"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Confirm that you have read the code and agree to follow it" in html
    assert 'value="Alice Q. Adams"' in html
    assert not Signature.objects.exists()


def test_a_name_of_only_spaces_is_no_name(client, alice):
    client.force_login(alice.user)
    response = client.post(SIGN_V2, {"confirm": "on", "typed_name": "    "})
    assert response.status_code == 200
    assert "Type your full name to sign" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_partner_signs_and_sees_an_intact_receipt(client, alice):
    client.force_login(alice.user)
    response = client.post(SIGN_V2, {"confirm": "on", "typed_name": "Alice Adams"})

    signature = Signature.objects.get(partner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/signatures/{signature.reference}/"
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert receipt.status_code == 200
    assert "Intact" in html
    assert signature.text_sha256 in html
    assert str(signature.reference) in html
    assert "Riverside Community Health" in html and "Alice Adams" in html
    assert "You have signed the code of conduct." in html


def test_going_back_to_the_sign_page_after_signing_leads_to_the_receipt(client, alice):
    signature = sign(alice)
    client.force_login(alice.user)
    response = client.get(SIGN_V2)
    assert response.status_code == 302 and response["Location"] == signature.get_absolute_url()


def test_another_partner_cannot_see_a_receipt(client, alice, bob):
    signature = sign(alice)
    client.force_login(bob.user)
    assert client.get(signature.get_absolute_url()).status_code == 404


def test_a_partner_of_another_partnership_cannot_see_a_receipt(client, alice, charlie):
    signature = sign(alice)
    client.force_login(charlie.user)
    assert client.get(signature.get_absolute_url()).status_code == 404


def test_the_programme_manager_of_the_partnership_can_see_a_receipt(client, alice, priya):
    signature = sign(alice)
    client.force_login(priya)
    response = client.get(signature.get_absolute_url())
    assert response.status_code == 200
    assert "Intact" in response.content.decode()


def test_anonymous_visitors_cannot_see_a_receipt(client, alice):
    signature = sign(alice)
    response = client.get(signature.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_partner_outside_the_partnership_is_forbidden_from_signing(client, charlie):
    client.force_login(charlie.user)
    assert client.get(SIGN_V2).status_code == 403
    assert client.post(SIGN_V2, {"confirm": "on", "typed_name": "Charlie Cole"}).status_code == 403
    assert not Signature.objects.exists()


def test_someone_who_is_not_a_partner_cannot_sign(client, priya):
    client.force_login(priya)
    assert client.get(SIGN_V2).status_code == 403


def test_a_superseded_version_says_it_can_no_longer_be_signed(client, alice):
    client.force_login(alice.user)
    response = client.get("/codes/health-creation-alliance/versions/1/sign/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This version is superseded and can no longer be signed." in html
    assert 'href="/codes/health-creation-alliance/versions/2/sign/"' in html
    assert 'name="typed_name"' not in html


def test_posting_to_a_superseded_version_signs_nothing(client, alice):
    client.force_login(alice.user)
    response = client.post(
        "/codes/health-creation-alliance/versions/1/sign/", {"confirm": "on", "typed_name": "Alice Adams"}
    )
    assert response.status_code == 200
    assert "can no longer be signed" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_partner_who_signed_version_2_is_shown_what_changed_in_version_3(
    client, alice, ada, django_capture_on_commit_callbacks
):
    sign(alice)
    publish_version_3(ada, django_capture_on_commit_callbacks)
    client.force_login(alice.user)

    response = client.get("/codes/health-creation-alliance/versions/3/sign/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "What changed since October 2023" in html
    assert "give as well as take" in html
    assert "<ins" in html and "<del" in html
    assert 'name="typed_name"' in html


def test_a_partner_signing_for_the_first_time_is_not_shown_changes(
    client, bob, ada, django_capture_on_commit_callbacks
):
    publish_version_3(ada, django_capture_on_commit_callbacks)
    client.force_login(bob.user)
    html = client.get("/codes/health-creation-alliance/versions/3/sign/").content.decode()
    assert "What changed since" not in html


def test_the_home_page_asks_a_partner_to_sign_again_after_a_new_version(
    client, alice, ada, django_capture_on_commit_callbacks
):
    sign(alice)
    publish_version_3(ada, django_capture_on_commit_callbacks)
    client.force_login(alice.user)

    html = client.get("/").content.decode()

    assert (
        "A new version has been published since you signed October 2023. Please read what changed and sign again."
        in html
    )
    assert "/codes/health-creation-alliance/changes/?from=2&amp;to=3" in html
    assert 'href="/codes/health-creation-alliance/versions/3/sign/"' in html
    assert "Read and sign the new version" in html


def test_a_tampered_signed_text_makes_the_receipt_warn(client, alice):
    signature = sign(alice)
    # The model refuses to change a signed text, so the tamperer goes behind its back.
    SignedText.objects.filter(pk=signature.signed_text_id).update(
        text=signature.signed_text.text.replace("truthful", "mostly truthful")
    )
    client.force_login(alice.user)

    html = client.get(signature.get_absolute_url()).content.decode()

    assert "Intact" not in html
    assert "The recomputed hash does not match the one recorded at signing" in html


def test_a_tampered_hash_makes_the_receipt_warn(client, alice):
    signature = sign(alice)
    Signature.objects.filter(pk=signature.pk).update(text_sha256="0" * 64)
    client.force_login(alice.user)
    html = client.get(signature.get_absolute_url()).content.decode()
    assert "Intact" not in html and "does not match" in html


# --- The home page ---------------------------------------------------------------------------


def test_the_home_page_lists_a_partners_codes_and_whether_they_signed(client, alice, coalition):
    client.force_login(alice.user)
    html = client.get("/").content.decode()
    assert "Your codes of conduct" in html
    assert "Alice Adams, Riverside Community Health" in html
    assert "The Health Creation Alliance Code of Conduct" in html
    assert "Not signed" in html
    assert 'href="/codes/health-creation-alliance/versions/2/sign/"' in html
    assert "A Shared Code of Conduct for Coalition Partners" not in html  # riverside is not in the coalition

    signature = sign(alice)
    html = client.get("/").content.decode()
    assert "Signed" in html and "Not signed" not in html
    assert signature.get_absolute_url() in html


def test_the_home_page_of_a_partner_elsewhere_does_not_mention_the_alliances_code(client, charlie, alliance):
    client.force_login(charlie.user)
    html = client.get("/").content.decode()
    assert "A Shared Code of Conduct for Coalition Partners" in html
    assert "The Health Creation Alliance" not in html
    assert "health-creation-alliance" not in html


def test_my_signatures_lists_what_a_partner_signed(client, alice):
    signature = sign(alice)
    client.force_login(alice.user)
    response = client.get("/signatures/")
    assert response.status_code == 200
    assert signature.get_absolute_url() in response.content.decode()


def test_a_partners_home_counts_the_codes_still_to_sign(client, seed_codes, alice):
    client.force_login(alice.user)
    assert "1 code to sign" in client.get("/").content.decode()

    sign(alice)

    page = client.get("/").content.decode()
    assert "to sign</strong>" not in page
    assert "You have signed every code you are asked to sign." in page
