"""Celery tasks for breach cases: thin, take primary keys, safe to run twice."""

import logging

from celery import shared_task
from django.utils import timezone

from . import selectors, services
from .virus_scan import ScannerUnavailable

logger = logging.getLogger(__name__)


@shared_task
def send_case_email(case_email_id: int) -> None:
    services.case_email_send(case_email_id=case_email_id)


@shared_task
def send_deadline_reminders() -> None:
    """Daily: remind those handling cases of deadlines missed or about to be."""
    services.breach_deadline_reminders_send(today=timezone.localdate())


@shared_task
def scan_evidence(evidence_id: int) -> None:
    """Scan a new evidence file; if the scanner cannot answer, the file stays held for the sweep below."""
    try:
        services.evidence_scan(evidence_id=evidence_id)
    except ScannerUnavailable as error:
        logger.warning("Virus scanner unavailable; evidence %s stays held: %s", evidence_id, error)


@shared_task
def scan_held_evidence() -> None:
    """Every few minutes: try again every file still held, oldest first, until the scanner fails."""
    for evidence_id in selectors.evidence_held_ids():
        try:
            services.evidence_scan(evidence_id=evidence_id)
        except ScannerUnavailable as error:
            logger.warning("Virus scanner unavailable; held evidence waits for the next run: %s", error)
            return
