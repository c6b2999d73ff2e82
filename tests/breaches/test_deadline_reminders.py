"""Those handling a case are reminded when triage or a decision passes its
target date, and before an acknowledgement or feedback to the reporter falls due."""

import datetime

import pytest
from django.core import mail

from breaches import tasks
from breaches.models import BreachCase, CaseEmail
from tests.breaches.conftest import NOW, fresh, report, triage

# Queued reminders are handed to (eager) Celery as each transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def on(time_machine, days: int):
    time_machine.move_to(NOW + datetime.timedelta(days=days), tick=False)


def reminders(kind: str) -> int:
    return CaseEmail.objects.filter(kind=kind, sent_at__isnull=False).count()


def subjects_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


def test_triage_past_its_target_is_reminded_then_weekly_until_triaged(time_machine, people):
    case = report(reporter=people["alice"])  # Wednesday 18 March: triage due in 5 working days, Wednesday 25 March
    mail.outbox.clear()
    on(time_machine, 7)
    tasks.send_deadline_reminders()
    assert reminders("triage_overdue") == 0
    on(time_machine, 8)
    tasks.send_deadline_reminders()
    tasks.send_deadline_reminders()  # twice on a day reminds once
    assert reminders("triage_overdue") == 1
    assert f"Triage overdue: concern {case.reference} in The Health Creation Alliance" in subjects_to(
        "priya@example.org"
    )
    on(time_machine, 14)
    tasks.send_deadline_reminders()
    assert reminders("triage_overdue") == 1
    on(time_machine, 15)
    tasks.send_deadline_reminders()
    assert reminders("triage_overdue") == 2
    triage(case, people["priya"])
    on(time_machine, 30)
    tasks.send_deadline_reminders()
    assert reminders("triage_overdue") == 2


def test_a_decision_past_its_target_reminds_the_panel_on_the_formal_track(time_machine, people):
    case = triage(report(reporter=people["alice"]), people["priya"], severity="serious")
    assert fresh(case).status == BreachCase.Status.FORMAL
    assert fresh(case).decision_due_on == datetime.date(2026, 4, 15)  # 20 working days after 18 March
    mail.outbox.clear()
    on(time_machine, 28)
    tasks.send_deadline_reminders()
    assert reminders("decision_overdue") == 0  # due today, not yet missed
    on(time_machine, 29)
    tasks.send_deadline_reminders()
    assert reminders("decision_overdue") == 1
    assert any(s.startswith("Decision overdue") for s in subjects_to("pam@example.org"))


def test_the_programme_manager_is_warned_before_acknowledgement_and_feedback_fall_due(time_machine, people):
    case = report(reporter=people["alice"])
    mail.outbox.clear()
    on(time_machine, 4)  # acknowledgement due on day 7: not yet within two days
    tasks.send_deadline_reminders()
    assert reminders("acknowledgement_due") == 0
    on(time_machine, 5)
    tasks.send_deadline_reminders()
    on(time_machine, 6)
    tasks.send_deadline_reminders()
    assert reminders("acknowledgement_due") == 1  # once, not every day
    assert any(s.startswith(f"Acknowledge concern {case.reference}") for s in subjects_to("priya@example.org"))
    on(time_machine, 80)  # feedback due three months after the report, 18 June
    tasks.send_deadline_reminders()
    assert reminders("feedback_due") == 1


def test_the_queue_shows_a_decision_overdue(client, time_machine, people):
    triage(report(reporter=people["alice"]), people["priya"])
    on(time_machine, 40)
    client.force_login(people["priya"])
    assert "Decision overdue" in client.get("/breaches/cases/").content.decode()
