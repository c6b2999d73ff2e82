"""The hash-chained audit log: appending entries and verifying the chain."""

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from .models import AuditChain, AuditEntry, User


def entry_hash(
    *,
    previous_hash: str,
    sequence: int,
    at,
    actor_id,
    action: str,
    subject_type: str,
    subject_id: str,
    summary: str,
    reason: str,
) -> str:
    content = json.dumps(
        [sequence, at.isoformat(), actor_id, action, subject_type, subject_id, summary, reason],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{previous_hash}{content}".encode()).hexdigest()


def audit_entry_append(
    *, actor: User | None, action: str, subject_type: str, subject_id: str, summary: str, reason: str = ""
) -> AuditEntry:
    with transaction.atomic():
        chain, _ = AuditChain.objects.select_for_update().get_or_create(pk=1)
        fields = {
            "sequence": chain.last_sequence + 1,
            # Microseconds dropped so the time hashes the same after a round trip through any database.
            "at": timezone.now().replace(microsecond=0),
            "actor_id": actor.pk if actor else None,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "summary": summary,
            "reason": reason,
        }
        digest = entry_hash(previous_hash=chain.last_hash, **fields)
        entry = AuditEntry.objects.create(previous_hash=chain.last_hash, entry_hash=digest, **fields)
        chain.last_sequence, chain.last_hash = entry.sequence, digest
        chain.save(update_fields=["last_sequence", "last_hash"])
    return entry


def audit_chain_verify() -> list[str]:
    """Every problem found in the chain, in order; an empty list means intact."""
    problems = []
    expected_previous, expected_sequence = "0" * 64, 1
    entries = AuditEntry.objects.order_by("sequence").values(
        "sequence",
        "at",
        "actor_id",
        "action",
        "subject_type",
        "subject_id",
        "summary",
        "reason",
        "previous_hash",
        "entry_hash",
    )
    for entry in entries.iterator(chunk_size=2000):
        if entry["sequence"] != expected_sequence:
            problems.append(f"Entries {expected_sequence} to {entry['sequence'] - 1} are missing.")
        if entry["previous_hash"] != expected_previous:
            problems.append(f"Entry {entry['sequence']} does not follow the entry before it.")
        recomputed = entry_hash(
            previous_hash=entry["previous_hash"],
            **{
                k: entry[k]
                for k in ("sequence", "at", "actor_id", "action", "subject_type", "subject_id", "summary", "reason")
            },
        )
        if recomputed != entry["entry_hash"]:
            problems.append(f"Entry {entry['sequence']} has been changed since it was written.")
        expected_previous, expected_sequence = entry["entry_hash"], entry["sequence"] + 1
    chain = AuditChain.objects.filter(pk=1).first()
    if chain and (chain.last_sequence, chain.last_hash) != (expected_sequence - 1, expected_previous):
        problems.append(
            f"The log ends at entry {expected_sequence - 1} but {chain.last_sequence} were written: "
            "the last entries were removed."
        )
    return problems
