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

CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCUMENT = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'


def word_document(*, main: str = WORD_MAIN, document: str = DOCUMENT, extra: dict | None = None) -> bytes:
    """A Word document as Word writes one (its parts, its declared types), or, with
    `extra` or other types, an archive dressed up as one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main))
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", document)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
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
    # Archives with a Word document's part names, but something else inside.
    ("letter.docx", word_document(extra={"setup.exe": b"MZ\x90\x00"})),
    ("letter.docx", word_document(extra={"word/run.hta": b"<script>"})),
    ("letter.docx", word_document(extra={"word/vbaProject.bin": b"macros"})),
    ("letter.docx", word_document(main="application/vnd.ms-word.document.macroEnabled.main+xml")),
    ("letter.docx", word_document(document="<html><body>not a Word document</body></html>")),
    ("letter.docx", word_document(document="not xml at all")),
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
def test_the_service_refuses_what_the_form_refuses_in_the_same_words_and_keeps_nothing(people, settings):
    from breaches import services
    from breaches.models import BreachCase

    settings.BREACH_EVIDENCE_MAX_BYTES = 1024 * 1024
    for upload, message in [
        (SimpleUploadedFile("notes.exe", b"MZ\x90\x00binary"), "The selected file must be a PDF, PNG, JPEG, Word"),
        (SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 1024 * 1024), "The selected file must be smaller than 1 MB"),
    ]:
        with pytest.raises(services.BreachError, match=message):
            report(reporter=people["alice"], evidence=upload)
    assert not BreachCase.objects.exists() and not Evidence.objects.exists()


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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "downloaded_as"),
    [
        ("minutes.hta", b"Minutes of the March meeting", "minutes.txt"),
        ("report.html", PDF_BYTES, "report.pdf"),
        ("letter.zip", word_document(), "letter.docx"),
        ("photo", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "photo.png"),
        (".hta", b"Just text", "evidence.txt"),
    ],
)
def test_a_download_carries_the_extension_of_what_the_file_is_not_what_it_was_called(
    client, people, name, content, downloaded_as
):
    report(reporter=people["alice"], evidence=SimpleUploadedFile(name, content))
    client.force_login(people["priya"])
    evidence = Evidence.objects.get()
    response = client.get(evidence.get_absolute_url())
    assert response["Content-Disposition"] == f'attachment; filename="{downloaded_as}"'
    case_page = client.get(evidence.case.get_absolute_url()).content.decode()
    assert f">{downloaded_as}</a>" in case_page
