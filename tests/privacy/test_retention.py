"""The retention schedule erases personal data past its period, keeps the statistics,
records each erasure, erases once however often it runs, and leaves the audit chain verifying."""

import datetime
import os

import pytest
from django.core.management import call_command

from breaches import services as breach_services
from breaches.models import BreachCase, CaseEvent, CaseMessage, Evidence
from conduct import services as conduct_services
from conduct.audit_log import audit_chain_verify
from conduct.models import AuditEntry, Code, CodeVersion, Membership, User
from declarations import services as declaration_services
from declarations.models import Declaration
from privacy import services, tasks
from privacy.models import Erasure, RetentionRule
from tests.breaches.conftest import case_in, fresh, pdf, report

ERASED = "[Erased under the retention schedule]"
SIX_YEARS_ON = datetime.date(2032, 4, 1)


def _counts(today):
    return services.retention_run(today=today)


def test_a_case_closed_six_years_ago_loses_its_personal_data_and_keeps_its_statistics(people):
    case = report(reporter=people["alice"], respondent_person_name="Bob Brown", evidence=pdf())
    evidence = Evidence.objects.get(case=case)
    stored = evidence.file.storage.path(evidence.file.name)
    case = case_in_closed(case, people)

    assert _counts(SIX_YEARS_ON)["closed_breach_cases"] == 1

    case = fresh(case)
    assert case.reporter is None and case.reporter_email == "" and case.reporter_name == ERASED
    assert case.respondent_person_name == ERASED and case.description == ERASED and case.incident_place == ERASED
    assert case.finding == ERASED and case.respondent_summary == ERASED
    assert (case.status, case.outcome, case.severity, case.track) == ("closed", "not_upheld", "minor", "informal")
    assert case.respondent_organisation.name == "Northfield Wellbeing Trust" and case.reported_at is not None
    assert set(CaseMessage.objects.filter(case=case).values_list("text", flat=True)) == {ERASED}
    assert not any(
        "Resolved" in reason for reason in CaseEvent.objects.filter(case=case).values_list("reason", flat=True)
    )
    evidence.refresh_from_db()
    assert evidence.original_name == ERASED and not evidence.file.name
    assert not os.path.exists(stored)
    assert Erasure.objects.filter(kind="closed_breach_cases", subject_id=case.pk).count() == 1
    erasure = AuditEntry.objects.get(action="personal_data.erased", subject_id=str(case.pk))
    assert "closed breach cases" in erasure.reason
    assert audit_chain_verify() == []


def case_in_closed(case, people):
    from tests.breaches.conftest import decide, respond, triage

    triage(case, people["priya"])
    respond(case, people["bob"])
    decide(case, people["priya"], outcome="not_upheld")
    breach_services.breach_case_close(
        case=case, expected_version=fresh(case).version, actor=people["priya"], feedback="Resolved with thanks."
    )
    return fresh(case)


def test_running_twice_erases_once(people):
    case = case_in("closed", people=people)
    first = _counts(SIX_YEARS_ON)
    entries = AuditEntry.objects.count()
    second = _counts(SIX_YEARS_ON)
    assert first["closed_breach_cases"] == 1 and second["closed_breach_cases"] == 0
    assert AuditEntry.objects.count() == entries
    assert Erasure.objects.filter(kind="closed_breach_cases", subject_id=case.pk).count() == 1
    assert audit_chain_verify() == []


def test_nothing_is_erased_before_its_period_ends(people):
    case = case_in("closed", people=people)
    assert _counts(datetime.date(2027, 1, 1))["closed_breach_cases"] == 0
    assert fresh(case).description.startswith("Shared a partner's")
    assert fresh(case).reporter == people["alice"]


def test_evidence_goes_after_a_year_while_the_case_stays(people):
    case = case_in_closed(report(reporter=people["alice"], evidence=pdf()), people)
    counts = _counts(datetime.date(2027, 4, 1))
    assert counts["evidence"] == 1 and counts["closed_breach_cases"] == 0
    evidence = Evidence.objects.get(case=case)
    assert evidence.original_name == ERASED and evidence.size > 0
    assert fresh(case).description.startswith("Shared a partner's")


def test_an_anonymous_reports_follow_up_messages_and_receipt_code_go_after_six_months(people):
    case = report(identity="anonymous")
    breach_services.breach_case_withdraw(
        case=case, expected_version=fresh(case).version, actor=people["priya"], reason="Not enough to go on."
    )
    CaseMessage.objects.create(case=case, kind="reporter_information", text="It was Bob Brown.")
    counts = _counts(datetime.date(2026, 10, 1))
    assert counts["anonymous_follow_up"] == 1
    case = fresh(case)
    assert case.receipt_code_sha256 is None
    assert set(case.messages.values_list("text", flat=True)) == {ERASED}
    assert case.description.startswith("Shared a partner's")


def test_an_ended_declaration_loses_its_words_after_six_years(alliance, alice):
    declaration = declaration_services.declaration_start(actor=alice.user, partnership=alliance, is_nil=True)
    declaration_services.declaration_submit(declaration=declaration, actor=alice.user, note="Nothing to declare.")
    Declaration.objects.filter(pk=declaration.pk).update(status="ended", ended_on=datetime.date(2026, 3, 1))
    assert _counts(SIX_YEARS_ON)["ended_declarations"] == 1
    assert set(declaration.events.exclude(note="").values_list("note", flat=True)) <= {ERASED}
    assert Declaration.objects.get(pk=declaration.pk).status == "ended"
    assert audit_chain_verify() == []


def test_signatures_of_a_superseded_version_lose_the_typed_name(alice, ada):
    code = Code.objects.get(slug="health-creation-alliance")
    version = code.versions.get(status="published")
    signature, _ = conduct_services.signature_record(partner=alice, version=version, typed_name="Alice Adams")
    draft = conduct_services.code_version_start_draft(code=code, actor=ada)
    conduct_services.code_version_publish(version=draft, actor=ada)
    CodeVersion.objects.filter(pk=version.pk).update(ended_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    assert _counts(SIX_YEARS_ON)["superseded_signatures"] == 1
    signature.refresh_from_db()
    assert signature.typed_name == ERASED and signature.version == version and signature.signed_text_intact
    assert audit_chain_verify() == []


def test_the_account_of_someone_whose_organisation_left_is_closed_and_unnamed(alice, ada):
    membership = Membership.objects.get(organisation=alice.organisation)
    conduct_services.membership_end(
        membership=membership, ended_on=datetime.date(2026, 3, 1), reason="Left the alliance", actor=ada
    )
    assert _counts(datetime.date(2031, 1, 1))["left_accounts"] == 0
    assert _counts(SIX_YEARS_ON)["left_accounts"] == 1
    user = User.objects.get(pk=alice.user.pk)
    assert (user.username, user.first_name, user.email) == (f"erased-{user.pk}", "", f"erased-{user.pk}@erased.invalid")
    assert not user.is_active and not user.has_usable_password()
    assert audit_chain_verify() == []


def test_an_administrator_shortens_a_period_and_the_run_uses_it(people):
    case = case_in("closed", people=people)
    services.retention_rule_set(kind="closed_breach_cases", months=12, actor=people["ada"], reason="Board decision")
    entry = AuditEntry.objects.get(action="retention.period_set")
    assert entry.actor == people["ada"] and entry.reason == "Board decision"
    assert _counts(datetime.date(2027, 4, 1))["closed_breach_cases"] == 1
    assert fresh(case).description == ERASED
    assert RetentionRule.objects.get().months == 12


def test_changing_a_period_needs_a_reason(ada):
    with pytest.raises(Exception, match="reason"):
        services.retention_rule_set(kind="evidence", months=3, actor=ada, reason=" ")
    assert not RetentionRule.objects.exists()


def test_the_command_and_the_nightly_task_run_the_same_schedule(people, capsys, time_machine):
    case = case_in("closed", people=people)
    time_machine.move_to(datetime.datetime(2032, 4, 1, 3, 0, tzinfo=datetime.UTC), tick=False)
    call_command("apply_retention_schedule")
    assert "Closed breach cases: 1 erased" in capsys.readouterr().out
    assert tasks.apply_retention_schedule()["closed_breach_cases"] == 0
    assert fresh(case).description == ERASED
    assert BreachCase.objects.count() == 1
