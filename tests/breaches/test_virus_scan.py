"""Virus scanning of evidence with ClamAV: a new file is held, never served, until
the daemon calls it clean; an infected one is refused, deleted and recorded; one
uploaded while the daemon is down stays held and is tried again.

The tests against the real daemon need CLAMD_SOCKET (`bin/clamd-test` starts one
whose only signature detects the standard EICAR test file); CI's PostgreSQL run has it."""

import base64
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from breaches import tasks
from breaches.models import Evidence
from conduct.models import AuditEntry
from tests.breaches.conftest import PDF_BYTES, pdf, report

pytestmark = pytest.mark.django_db

# The standard antivirus test file, kept encoded so that no scanner flags this test.
EICAR = base64.b64decode("WDVPIVAlQEFQWzRcUFpYNTQoUF4pN0NDKTd9JEVJQ0FSLVNUQU5EQVJELUFOVElWSVJVUy1URVNULUZJTEUhJEgrSCo=")


def upload_evidence(django_capture_on_commit_callbacks, people, upload, *, scan_now=True) -> Evidence:
    """Alice reports with a file; the scan task queued on commit runs at once unless told not to."""
    with django_capture_on_commit_callbacks(execute=scan_now):
        case = report(reporter=people["alice"], evidence=upload)
    return Evidence.objects.get(case=case)


def test_the_eicar_test_file_is_refused_deleted_and_recorded(
    client, people, clamd_socket, django_capture_on_commit_callbacks
):
    evidence = upload_evidence(
        django_capture_on_commit_callbacks, people, SimpleUploadedFile("notes.txt", EICAR, content_type="text/plain")
    )
    stored = Path(settings.BREACH_EVIDENCE_ROOT)
    evidence.refresh_from_db()
    assert evidence.scan == Evidence.Scan.REFUSED
    assert "Eicar-Test-Signature" in evidence.virus_found
    assert not any(path.is_file() for path in stored.rglob("*"))
    entry = AuditEntry.objects.get(action="evidence.refused")
    assert "Eicar-Test-Signature" in entry.summary

    client.force_login(people["priya"])
    page = client.get(evidence.case.get_absolute_url()).content.decode()
    assert "Refused: it contained a virus" in page
    assert evidence.get_absolute_url() not in page
    response = client.get(evidence.get_absolute_url())
    assert response.status_code == 410
    assert "File refused" in response.content.decode()


def test_a_clean_file_is_held_until_scanned_then_downloadable(
    client, people, clamd_socket, django_capture_on_commit_callbacks
):
    evidence = upload_evidence(django_capture_on_commit_callbacks, people, pdf(), scan_now=False)
    assert evidence.scan == Evidence.Scan.HELD
    client.force_login(people["priya"])
    page = client.get(evidence.case.get_absolute_url()).content.decode()
    assert "Being checked for viruses" in page and evidence.get_absolute_url() not in page
    response = client.get(evidence.get_absolute_url())
    assert response.status_code == 409
    assert "being checked for viruses" in response.content.decode()

    tasks.scan_evidence(evidence.pk)

    evidence.refresh_from_db()
    assert (evidence.scan, evidence.scan_attempts) == (Evidence.Scan.CLEAN, 1)
    assert evidence.get_absolute_url() in client.get(evidence.case.get_absolute_url()).content.decode()
    response = client.get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    tasks.scan_evidence(evidence.pk)  # a second run changes nothing
    evidence.refresh_from_db()
    assert evidence.scan_attempts == 1


def test_a_file_uploaded_while_the_scanner_is_down_stays_held(
    client, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    evidence = upload_evidence(django_capture_on_commit_callbacks, people, pdf())
    evidence.refresh_from_db()
    assert (evidence.scan, evidence.scan_attempts) == (Evidence.Scan.HELD, 1)

    tasks.scan_held_evidence()  # the sweep tries again, and it is still held

    evidence.refresh_from_db()
    assert (evidence.scan, evidence.scan_attempts) == (Evidence.Scan.HELD, 2)
    client.force_login(people["priya"])
    assert client.get(evidence.get_absolute_url()).status_code == 409
    assert not AuditEntry.objects.filter(action="evidence.refused").exists()


def test_a_held_file_is_scanned_once_the_scanner_is_back(
    people, settings, tmp_path, clamd_socket, django_capture_on_commit_callbacks
):
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    evidence = upload_evidence(django_capture_on_commit_callbacks, people, pdf())
    settings.CLAMD_SOCKET = clamd_socket

    tasks.scan_held_evidence()

    evidence.refresh_from_db()
    assert (evidence.scan, evidence.scan_attempts) == (Evidence.Scan.CLEAN, 2)


def test_without_a_scanner_files_are_served_unscanned(client, people, django_capture_on_commit_callbacks):
    evidence = upload_evidence(django_capture_on_commit_callbacks, people, pdf())
    assert evidence.scan == Evidence.Scan.NOT_SCANNED
    client.force_login(people["priya"])
    assert client.get(evidence.get_absolute_url()).status_code == 200


def test_held_files_are_tried_again_every_few_minutes():
    schedule = {entry["task"]: entry for entry in settings.CONDUCT_PERIODIC_TASKS.values()}
    assert schedule["breaches.tasks.scan_held_evidence"]["every_seconds"] <= 600
