"""The hash-chained audit log: appending entries, erasing the personal data in
them as a recorded event, and verifying the chain.

The chain does not hash an entry's words (its summary and reason, which may
name people) directly: it hashes a digest of them taken with a random salt kept
beside them. Erasing personal data blanks the words and the salt and keeps the
digest, so the chain still proves every entry's other fields and its place,
and the salted digest of a short name cannot be guessed back once the salt is
gone. Each erased entry points at the later entry that records the erasure,
which is about the same subject; an entry that claims an erasure nobody
recorded is reported as tampering.
"""

import hashlib
import json
import secrets

from django.db import transaction
from django.utils import timezone

from .models import AuditChain, AuditEntry, User

ERASURE_ACTION = "personal_data.erased"
ERASED_SUMMARY = "[Personal data erased]"
HASHED_FIELDS = ("sequence", "at", "actor_id", "action", "subject_type", "subject_id")


def personal_digest(*, salt: str, summary: str, reason: str) -> str:
    content = json.dumps([salt, summary, reason], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(content.encode()).hexdigest()


def entry_hash(
    *,
    previous_hash: str,
    sequence: int,
    at,
    actor_id,
    action: str,
    subject_type: str,
    subject_id: str,
    personal_digest: str,
) -> str:
    content = json.dumps(
        [sequence, at.isoformat(), actor_id, action, subject_type, subject_id, personal_digest],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{previous_hash}{content}".encode()).hexdigest()


def legacy_entry_hash(
    *, previous_hash: str, sequence: int, at, actor_id, action, subject_type, subject_id, summary, reason
) -> str:
    """How entries written before the salted digest (an empty `personal_digest`) were hashed:
    their words are in the chain itself, so they are never erased."""
    content = json.dumps(
        [sequence, at.isoformat(), actor_id, action, subject_type, subject_id, summary, reason],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{previous_hash}{content}".encode()).hexdigest()


def _append(*, chain: AuditChain, actor_id, action, subject_type, subject_id, summary, reason) -> AuditEntry:
    salt = secrets.token_hex(16)
    digest = personal_digest(salt=salt, summary=summary, reason=reason)
    fields = {
        "sequence": chain.last_sequence + 1,
        # Microseconds dropped so the time hashes the same after a round trip through any database.
        "at": timezone.now().replace(microsecond=0),
        "actor_id": actor_id,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
    }
    digest_hash = entry_hash(previous_hash=chain.last_hash, personal_digest=digest, **fields)
    entry = AuditEntry.objects.create(
        previous_hash=chain.last_hash,
        entry_hash=digest_hash,
        summary=summary,
        reason=reason,
        personal_salt=salt,
        personal_digest=digest,
        **fields,
    )
    chain.last_sequence, chain.last_hash = entry.sequence, digest_hash
    chain.save(update_fields=["last_sequence", "last_hash"])
    return entry


def audit_entry_append(
    *, actor: User | None, action: str, subject_type: str, subject_id: str, summary: str, reason: str = ""
) -> AuditEntry:
    with transaction.atomic():
        chain, _ = AuditChain.objects.select_for_update().get_or_create(pk=1)
        return _append(
            chain=chain,
            actor_id=actor.pk if actor else None,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            summary=summary,
            reason=reason,
        )


def audit_entries_erase(*, subject_type: str, subject_id: str, actor: User | None, reason: str) -> AuditEntry:
    """Erase the words of every entry about one subject, recorded as a new entry.

    Before: entries about the subject hold summaries and reasons that may name
    people. After: their summary reads "[Personal data erased]", their reason and
    salt are empty and they point at the new erasure entry, which says which
    entries it erased and why; the chain still verifies. Entries already erased
    stay as they are, so erasing twice records a second event and erases nothing more.
    """
    with transaction.atomic():
        chain, _ = AuditChain.objects.select_for_update().get_or_create(pk=1)
        to_erase = list(
            AuditEntry.objects.filter(subject_type=subject_type, subject_id=subject_id, erased_by__isnull=True)
            .exclude(action=ERASURE_ACTION)
            .exclude(personal_digest="")
            .order_by("sequence")
            .values_list("sequence", flat=True)
        )
        erasure = _append(
            chain=chain,
            actor_id=actor.pk if actor else None,
            action=ERASURE_ACTION,
            subject_type=subject_type,
            subject_id=subject_id,
            summary=(
                f"Personal data erased from entries {', '.join(map(str, to_erase))}"
                if to_erase
                else "Personal data erased; no audit entry held any"
            ),
            reason=reason,
        )
        # The model refuses changes at save(); erasure is the one change the log allows.
        AuditEntry.objects.filter(sequence__in=to_erase).update(
            summary=ERASED_SUMMARY, reason="", personal_salt="", erased_by=erasure.sequence
        )
    return erasure


def _entry_problem(entry: dict, erasures: dict[int, tuple[str, str]]) -> str | None:
    fields = {name: entry[name] for name in HASHED_FIELDS}
    sequence = entry["sequence"]
    if not entry["personal_digest"]:
        recomputed = legacy_entry_hash(
            previous_hash=entry["previous_hash"], summary=entry["summary"], reason=entry["reason"], **fields
        )
        return None if recomputed == entry["entry_hash"] else f"Entry {sequence} has been changed since it was written."
    if entry["erased_by"] is None:
        digest = personal_digest(salt=entry["personal_salt"], summary=entry["summary"], reason=entry["reason"])
        if digest != entry["personal_digest"]:
            return f"Entry {sequence} has been changed since it was written."
    elif erasures.get(entry["erased_by"]) != (entry["subject_type"], entry["subject_id"]) or (
        entry["erased_by"] <= sequence
    ):
        return f"Entry {sequence} was erased without a recorded erasure."
    recomputed = entry_hash(previous_hash=entry["previous_hash"], personal_digest=entry["personal_digest"], **fields)
    return None if recomputed == entry["entry_hash"] else f"Entry {sequence} has been changed since it was written."


def audit_chain_verify() -> list[str]:
    """Every problem found in the chain, in order; an empty list means intact."""
    problems = []
    expected_previous, expected_sequence = "0" * 64, 1
    erasures = {
        row["sequence"]: (row["subject_type"], row["subject_id"])
        for row in AuditEntry.objects.filter(action=ERASURE_ACTION).values("sequence", "subject_type", "subject_id")
    }
    entries = AuditEntry.objects.order_by("sequence").values(
        *HASHED_FIELDS,
        "summary",
        "reason",
        "personal_salt",
        "personal_digest",
        "erased_by",
        "previous_hash",
        "entry_hash",
    )
    for entry in entries.iterator(chunk_size=2000):
        if entry["sequence"] != expected_sequence:
            problems.append(f"Entries {expected_sequence} to {entry['sequence'] - 1} are missing.")
        if entry["previous_hash"] != expected_previous:
            problems.append(f"Entry {entry['sequence']} does not follow the entry before it.")
        problem = _entry_problem(entry, erasures)
        if problem:
            problems.append(problem)
        expected_previous, expected_sequence = entry["entry_hash"], entry["sequence"] + 1
    chain = AuditChain.objects.filter(pk=1).first()
    if chain and (chain.last_sequence, chain.last_hash) != (expected_sequence - 1, expected_previous):
        problems.append(
            f"The log ends at entry {expected_sequence - 1} but {chain.last_sequence} were written: "
            "the last entries were removed."
        )
    return problems
