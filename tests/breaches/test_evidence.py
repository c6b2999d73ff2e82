"""Evidence files: accepted by what they contain, within a size limit, kept
outside the web root and handed only to people allowed to see the case."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from breaches.evidence import evidence_kind
from breaches.forms import EvidenceField
from breaches.models import Evidence
from config import settings as project_settings
from tests.breaches.conftest import PDF_BYTES, pdf, report


def word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


ACCEPTED = [
    ("minutes.pdf", PDF_BYTES, "application/pdf"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
    ("letter.docx", word_document(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("notes.txt", "Notes: café at 10:00\n".encode(), "text/plain"),
]
REFUSED = [
    ("minutes.pdf", b"MZ\x90\x00 a Windows program"),  # named .pdf, is not one
    ("archive.docx", plain_zip()),  # a zip that is not a Word document
    ("notes.txt", b"text with a \x00 byte"),
    ("notes.txt", b"\xff\xfe not utf-8 \xc3"),
    ("page.html", b"\x00\x00\x01\x00icon"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED)
def test_these_kinds_are_accepted_by_their_content(name, content, content_type):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    assert evidence_kind(upload).content_type == content_type
    assert EvidenceField().clean(upload) is upload


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_anything_else_is_refused_whatever_its_name(name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    assert evidence_kind(upload) is None
    with pytest.raises(Exception, match="The selected file must be a PDF, PNG, JPEG, Word"):
        EvidenceField().clean(upload)


def test_an_empty_file_or_one_too_big_is_refused(settings):
    with pytest.raises(Exception, match="The selected file is empty"):
        EvidenceField().clean(SimpleUploadedFile("empty.pdf", b""))
    settings.BREACH_EVIDENCE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 1024 * 1024)
    with pytest.raises(Exception, match="The selected file must be smaller than 1 MB"):
        EvidenceField().clean(big)


@pytest.mark.django_db
def test_files_are_kept_outside_the_web_root_under_a_name_of_our_own(people):
    report(reporter=people["alice"], evidence=pdf("../../etc/passwd.pdf"))
    evidence = Evidence.objects.get()
    stored = Path(evidence.file.path)
    assert stored.is_file() and stored.read_bytes() == PDF_BYTES
    assert stored.is_relative_to(Path(settings.BREACH_EVIDENCE_ROOT))
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT)) and "passwd" not in stored.name
    assert evidence.original_name == "passwd.pdf"  # Django keeps only the last part of a name given
    with pytest.raises(ValueError, match="not accessible via a URL"):
        _ = evidence.file.url


def test_the_default_evidence_folder_is_outside_the_static_and_source_folders():
    root = Path(project_settings.BREACH_EVIDENCE_ROOT)
    assert root == Path(project_settings.VAR_DIR) / "evidence"
    assert not root.is_relative_to(Path(project_settings.STATIC_ROOT))
    assert not any(root.is_relative_to(Path(folder)) for folder in project_settings.STATICFILES_DIRS)


@pytest.mark.django_db
def test_a_file_is_downloaded_as_an_attachment_never_shown_in_the_page(client, people):
    report(reporter=people["alice"], evidence=pdf("minutes <10 March>.pdf"))
    client.force_login(people["priya"])
    response = client.get(Evidence.objects.get().get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.django_db
def test_a_file_missing_from_disk_is_a_404_not_an_error(client, people):
    report(reporter=people["alice"], evidence=pdf())
    evidence = Evidence.objects.get()
    Path(evidence.file.path).unlink()
    client.force_login(people["priya"])
    assert client.get(evidence.get_absolute_url()).status_code == 404
