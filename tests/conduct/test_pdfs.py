"""A partner can keep a PDF of a published code and of their signature receipt: the
receipt carries the exact text signed, so anyone can check its SHA-256 without Conduct."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from conduct import services
from conduct.canonical_text import version_canonical_text
from conduct.models import CodeVersion
from conduct.selectors import version_outline, with_content

pytestmark = pytest.mark.django_db

HCA = "health-creation-alliance"


def pdf_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader) -> str:
    # Words only: a PDF line break falls wherever the page width puts it.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def version_2():
    return with_content(CodeVersion.objects.filter(code__slug=HCA, number=2)).get()


def test_the_published_version_as_a_pdf_holds_its_title_label_and_every_item_in_order(client, seed_codes):
    version = version_2()
    response = client.get(f"/codes/{HCA}/versions/2.pdf")

    assert f'filename="{HCA}-version-2.pdf"' in response["Content-Disposition"]
    words = text_of(pdf_of(response))
    assert version.title in words
    assert version.label in words
    # In the order a reader sees on the version's page: each item, then its sub-points.
    after = 0
    for part in version_outline(version):
        for entry in part["items"]:
            for shown in [entry["item"], *entry["children"]]:
                if shown.text:
                    first_words = " ".join(shown.text.split()[:6])
                    found = words.find(first_words, after)
                    assert found >= 0, f"not printed after what comes before it: {first_words}"
                    after = found + len(first_words)


def test_a_draft_is_not_printed_for_a_partner(client, seed_codes, alice, ada):
    draft = services.code_version_start_draft(code=version_2().code, actor=ada)
    client.force_login(alice.user)
    assert client.get(f"/codes/{HCA}/versions/{draft.number}.pdf").status_code == 404


def test_the_receipt_pdf_holds_the_signed_text_in_order_and_attaches_it_byte_for_byte(client, seed_codes, alice):
    signature, _ = services.signature_record(partner=alice, version=version_2(), typed_name="Alice Adams")
    client.force_login(alice.user)

    response = client.get(f"/signatures/{signature.reference}.pdf")

    reader = pdf_of(response)
    attached = reader.attachments["signed-text.txt"][0]
    assert attached == version_canonical_text(version_2()).encode("utf-8")
    assert hashlib.sha256(attached).hexdigest() == signature.text_sha256
    words = text_of(reader)
    assert signature.text_sha256 in words.replace(" ", "") or signature.text_sha256 in words
    assert str(signature.reference) in words.replace(" ", "")
    assert "sha256sumsigned-text.txt" in words.replace(" ", "")
    after = words.index("The exact text signed")
    for line in signature.signed_text.text.splitlines():
        if line.strip():
            first_words = " ".join(line.split()[:5])
            found = words.find(first_words, after)
            assert found >= 0, f"the signed text is printed in the order it was signed: {first_words}"
            after = found + len(first_words)


def test_someone_elses_receipt_pdf_is_not_found(client, seed_codes, alice, bob):
    signature, _ = services.signature_record(partner=alice, version=version_2(), typed_name="Alice Adams")
    client.force_login(bob.user)
    assert client.get(f"/signatures/{signature.reference}.pdf").status_code == 404


def test_the_receipt_and_the_version_pages_link_to_their_pdfs(client, seed_codes, alice):
    signature, _ = services.signature_record(partner=alice, version=version_2(), typed_name="Alice Adams")
    client.force_login(alice.user)
    receipt = client.get(f"/signatures/{signature.reference}/").content.decode()
    assert f"/signatures/{signature.reference}.pdf" in receipt
    assert f"/codes/{HCA}/versions/2.pdf" in client.get(f"/codes/{HCA}/versions/2/").content.decode()
