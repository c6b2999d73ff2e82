"""The audit log is a hash chain: a command finds any entry edited or removed."""

import threading
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from conduct import services
from conduct.audit_log import audit_chain_verify, audit_entries_erase
from conduct.models import AuditChain, AuditEntry, Code


@pytest.fixture
def logged(seed_codes, ada):
    code = Code.objects.get(slug="health-creation-alliance")
    draft = services.code_version_start_draft(code=code, actor=ada)
    services.code_version_publish(version=draft, actor=ada)
    return list(AuditEntry.objects.order_by("sequence"))


def test_entries_are_numbered_and_chained(logged):
    assert [e.sequence for e in logged] == list(range(1, len(logged) + 1))
    assert logged[0].previous_hash == "0" * 64
    assert all(later.previous_hash == earlier.entry_hash for earlier, later in pairwise(logged))
    assert audit_chain_verify() == []


def test_the_command_says_an_untouched_log_is_intact(logged, capsys):
    call_command("verify_audit_log")
    assert f"The audit log is intact: {len(logged)} entries." in capsys.readouterr().out


def test_the_command_finds_an_edited_entry(logged):
    AuditEntry.objects.filter(sequence=2).update(summary="Nothing to see here")
    with pytest.raises(CommandError, match="Entry 2 has been changed since it was written"):
        call_command("verify_audit_log")


def test_the_command_finds_an_edited_entry_even_when_its_hash_is_recomputed(logged):
    # A forger who rewrites an entry, its digest and its hash still breaks the link to the next entry.
    from conduct.audit_log import entry_hash, personal_digest

    entry = AuditEntry.objects.get(sequence=1)
    digest = personal_digest(salt="forged", summary="Forged", reason=entry.reason)
    forged = entry_hash(
        previous_hash=entry.previous_hash,
        sequence=1,
        at=entry.at,
        actor_id=entry.actor_id,
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        personal_digest=digest,
    )
    AuditEntry.objects.filter(sequence=1).update(
        summary="Forged", personal_salt="forged", personal_digest=digest, entry_hash=forged
    )
    assert audit_chain_verify() == ["Entry 2 does not follow the entry before it."]


def test_erasing_the_words_about_a_subject_is_a_recorded_event_and_the_chain_still_verifies(logged, ada):
    draft = logged[0]
    subject_entries = AuditEntry.objects.filter(subject_type=draft.subject_type, subject_id=draft.subject_id)
    erased_sequences = sorted(subject_entries.values_list("sequence", flat=True))

    erasure = audit_entries_erase(
        subject_type=draft.subject_type, subject_id=draft.subject_id, actor=ada, reason="Retention period over"
    )

    assert erasure.action == "personal_data.erased" and erasure.reason == "Retention period over"
    assert erasure.summary == f"Personal data erased from entries {', '.join(map(str, erased_sequences))}"
    for entry in AuditEntry.objects.filter(sequence__in=erased_sequences):
        assert (entry.summary, entry.reason, entry.personal_salt) == ("[Personal data erased]", "", "")
        assert entry.erased_by == erasure.sequence
    assert audit_chain_verify() == []
    call_command("verify_audit_log")


def test_words_blanked_without_a_recorded_erasure_are_tampering(logged):
    AuditEntry.objects.filter(sequence=2).update(summary="[Personal data erased]", personal_salt="", erased_by=3)
    assert audit_chain_verify() == ["Entry 2 was erased without a recorded erasure."]


def test_an_erasure_record_cannot_cover_another_subjects_entries(logged, ada):
    other = AuditEntry.objects.exclude(subject_id=logged[0].subject_id).order_by("sequence").first()
    erasure = audit_entries_erase(
        subject_type=logged[0].subject_type, subject_id=logged[0].subject_id, actor=ada, reason="x"
    )
    AuditEntry.objects.filter(sequence=other.sequence).update(summary="", personal_salt="", erased_by=erasure.sequence)
    assert audit_chain_verify() == [f"Entry {other.sequence} was erased without a recorded erasure."]


def test_entries_written_before_the_salted_digest_still_verify_and_are_never_erased(logged, ada):
    from conduct.audit_log import legacy_entry_hash

    chain = AuditChain.objects.get()
    fields = {
        "sequence": chain.last_sequence + 1,
        "at": logged[-1].at,
        "actor_id": ada.pk,
        "action": "old.entry",
        "subject_type": "conduct.user",
        "subject_id": str(ada.pk),
    }
    old_hash = legacy_entry_hash(previous_hash=chain.last_hash, summary="Ada did it", reason="", **fields)
    AuditEntry.objects.create(previous_hash=chain.last_hash, entry_hash=old_hash, summary="Ada did it", **fields)
    AuditChain.objects.filter(pk=1).update(last_sequence=fields["sequence"], last_hash=old_hash)
    assert audit_chain_verify() == []

    audit_entries_erase(subject_type="conduct.user", subject_id=str(ada.pk), actor=None, reason="Left")
    assert AuditEntry.objects.get(sequence=fields["sequence"]).summary == "Ada did it"
    assert audit_chain_verify() == []
    AuditEntry.objects.filter(sequence=fields["sequence"]).update(summary="Someone else did it")
    assert audit_chain_verify() == [f"Entry {fields['sequence']} has been changed since it was written."]


def test_the_command_finds_a_removed_entry(logged):
    AuditEntry.objects.filter(sequence=2).delete()
    problems = audit_chain_verify()
    assert "Entries 2 to 2 are missing." in problems


def test_the_command_finds_that_the_last_entries_were_removed(logged):
    AuditEntry.objects.filter(sequence__gte=len(logged) - 1).delete()
    assert any("the last entries were removed" in p for p in audit_chain_verify())


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(logged):
    entry = logged[0]
    entry.summary = "changed"
    with pytest.raises(Exception, match="never changed"):
        entry.save()
    with pytest.raises(Exception, match="never deleted"):
        entry.delete()


@pytest.mark.django_db(transaction=True)
def test_entries_written_at_the_same_moment_still_form_one_chain(postgresql, ada):
    barrier = threading.Barrier(4)

    def write(n):
        barrier.wait(timeout=10)
        for i in range(5):
            services.audit_record(actor=ada, action="test.concurrent", subject=ada, summary=f"writer {n} entry {i}")
        connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert AuditEntry.objects.count() == 20
    assert AuditChain.objects.get().last_sequence == 20
    assert audit_chain_verify() == []


def test_declarations_and_breach_cases_write_to_the_same_chain(seed_codes, alliance, alice, bob, priya):
    import datetime

    from breaches import services as breach_services
    from conduct.models import Principle
    from declarations import services as declaration_services

    declaration = declaration_services.declaration_start(actor=alice.user, partnership=alliance, is_nil=True)
    declaration_services.declaration_submit(declaration=declaration, actor=alice.user)
    case, _ = breach_services.breach_case_report(
        actor=alice.user,
        partnership=alliance,
        respondent_organisation=bob.organisation,
        incident_date=datetime.date(2026, 1, 5),
        incident_place="Board",
        description="Something happened.",
        identity="confidential",
        cited_principles=[Principle.objects.get(slug="integrity")],
    )
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"declaration.submitted", "breach_case.report"} <= actions
    entry = AuditEntry.objects.get(action="breach_case.report")
    assert entry.subject_type == "breaches.breachcase" and entry.subject_id == str(case.pk)
    assert audit_chain_verify() == []
