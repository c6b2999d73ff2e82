"""Virus scanning of evidence by a ClamAV daemon (Debian's clamav-daemon), when
settings name one: CLAMD_SOCKET, or CLAMD_HOST and CLAMD_PORT. A file is held,
never served, until the daemon has called it clean; if the daemon cannot be
reached the file stays held and is tried again (`breaches.tasks.scan_held_evidence`)."""

from dataclasses import dataclass

import clamd
from django.conf import settings


class ScannerUnavailable(Exception):
    """The daemon could not be reached or gave no verdict: the file stays held."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str = ""


def scanner_configured() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _daemon():
    if settings.CLAMD_SOCKET:
        return clamd.ClamdUnixSocket(settings.CLAMD_SOCKET, timeout=settings.CLAMD_TIMEOUT)
    return clamd.ClamdNetworkSocket(settings.CLAMD_HOST, settings.CLAMD_PORT, timeout=settings.CLAMD_TIMEOUT)


def scan(handle) -> Verdict:
    """The daemon's verdict on the file's bytes, streamed to it (it never needs to read our folders)."""
    try:
        answer = _daemon().instream(handle)
    except (clamd.ClamdError, OSError) as error:
        raise ScannerUnavailable(str(error)) from error
    status, signature = (answer or {}).get("stream", (None, None))
    if status == "OK":
        return Verdict(infected=False)
    if status == "FOUND":
        return Verdict(infected=True, signature=signature or "unknown")
    # "ERROR" (a stream too long, a database that failed to load): no verdict, so the file stays held.
    raise ScannerUnavailable(f"clamd answered {answer!r}")
