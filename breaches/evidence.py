"""Evidence files: which kinds are accepted, judged by what the file contains
rather than by its name (which is why a download carries the extension of the
kind found, `Evidence.download_name`), and where they are kept: outside the web root,
reachable only through the view that checks who is asking."""

import codecs
import os
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible


@deconstructible
class EvidenceStorage(FileSystemStorage):
    """Files under settings.BREACH_EVIDENCE_ROOT, read at each use so that a
    test can point it elsewhere. The storage has no URL: files go out only
    through `breaches:evidence-download`."""

    @property
    def base_location(self):
        return str(settings.BREACH_EVIDENCE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def evidence_storage():
    """The storage settings.STORAGES["evidence"] names: this folder, or S3 when configured."""
    return storages["evidence"]


@dataclass(frozen=True)
class EvidenceKind:
    content_type: str
    extension: str


PDF = EvidenceKind("application/pdf", "pdf")
PNG = EvidenceKind("image/png", "png")
JPEG = EvidenceKind("image/jpeg", "jpg")
DOCX = EvidenceKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
TEXT = EvidenceKind("text/plain", "txt")
KINDS = {kind.content_type: kind for kind in (PDF, PNG, JPEG, DOCX, TEXT)}
ACCEPTED_DESCRIPTION = "a PDF, PNG, JPEG, Word (.docx) or plain text file"


def evidence_refusal(upload) -> str:
    """Why a file cannot be evidence, or '' when it can: the one rule that the form shows
    beside the field and the service enforces whatever the door."""
    if upload.size > settings.BREACH_EVIDENCE_MAX_BYTES:
        return f"The selected file must be smaller than {settings.BREACH_EVIDENCE_MAX_BYTES // (1024 * 1024)} MB"
    if evidence_kind(upload) is None:
        return f"The selected file must be {ACCEPTED_DESCRIPTION}"
    return ""


def evidence_kind(upload) -> EvidenceKind | None:
    """What the file is, from its first bytes (a Word document: from the parts
    inside its zip), or None when it is none of the accepted kinds."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return DOCX if _is_word_document(upload) else None
        return TEXT if head and _is_plain_text(upload) else None
    finally:
        upload.seek(0)


# A Word document is a zip of these parts and nothing else; an archive that merely holds
# files with the right names, or carries anything runnable, is not one.
WORD_PARTS = ("[Content_Types].xml", "_rels/", "docProps/", "word/", "customXml/")
RUNNABLE = re.compile(r"(\.(exe|dll|com|scr|bat|cmd|ps1|vbs|vbe|js|jse|wsf|hta|msi|jar|lnk|zip)$|vbaproject\.bin$)")
WORD_MAIN_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CONTENT_TYPES_OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
WORD_DOCUMENT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document"
# Beyond these an archive is refused unread: far more than any real letter or report holds.
MAX_PARTS = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024


def _is_word_document(upload) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
            names = [part.filename for part in parts]
            if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
                return False
            if not all(name.startswith(WORD_PARTS) for name in names):
                return False
            if any(RUNNABLE.search(name.lower()) for name in names):
                return False
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return False
            if archive.getinfo("[Content_Types].xml").file_size > MAX_CONTENT_TYPES_BYTES:
                return False
            types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
            declared = {
                override.get("PartName"): override.get("ContentType") for override in types.iter(CONTENT_TYPES_OVERRIDE)
            }
            if declared.get("/word/document.xml") != WORD_MAIN_PART:
                return False
            with archive.open("word/document.xml") as document:
                _, root = next(ElementTree.iterparse(document, events=("start",)))
            return root.tag == WORD_DOCUMENT
    except (zipfile.BadZipFile, OSError, ElementTree.ParseError, StopIteration, KeyError, RuntimeError):
        return False


def _is_plain_text(upload) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in iter(lambda: upload.read(64 * 1024), b""):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
