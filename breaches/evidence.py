"""Evidence files: which kinds are accepted, judged by what the file contains
rather than by its name, and where they are kept: outside the web root,
reachable only through the view that checks who is asking."""

import codecs
import os
import zipfile
from dataclasses import dataclass

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


def _is_word_document(upload) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


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
