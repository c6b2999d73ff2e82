"""Each step's emails (subject, text and HTML) are recorded in the step's
transaction and sent through Celery once it commits; a breach of
confidentiality reaches the programme manager at once."""

import pytest
from django.core import mail

from breaches import services, tasks
from breaches.models import CaseEmail
from conduct.models import PartnershipRole, QueuedTask
from tests.breaches.conftest import decide, fresh, report, respond, triage

pytestmark = pytest.mark.django_db


def sent_to(address: str) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [address]]


def test_nothing_is_sent_until_the_report_is_committed(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = report(reporter=people["alice"])
    assert len(mail.outbox) == 0 and len(callbacks) == 2
    assert list(QueuedTask.objects.values_list("task_name", flat=True)) == ["breaches.tasks.send_case_email"] * 2
    assert list(CaseEmail.objects.filter(case=case, sent_at__isnull=True).values_list("kind", flat=True)) == [
        "reported",
        "received",
    ]
    with django_capture_on_commit_callbacks(execute=True):  # each recipient's email goes once it is recorded
        for callback in callbacks:
            callback()
    assert sent_to("priya@example.org") == [f"New concern {case.reference} reported in The Health Creation Alliance"]
    assert sent_to("alice@example.org") == [f"We have your report {case.reference}"]
    assert not CaseEmail.objects.filter(sent_at__isnull=True).exists()


def test_every_email_has_a_text_and_an_html_body_and_a_link(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(reporter=people["alice"])
    for message in mail.outbox:
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert f"http://testserver/breaches/cases/{case.pk}/" in message.body
        assert f'href="http://testserver/breaches/cases/{case.pk}/"' in html


def test_a_breach_of_confidentiality_notifies_the_programme_manager_at_once(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(reporter=None, identity="anonymous", confidentiality_breach=True)
    subjects = sent_to("priya@example.org")
    assert subjects[0] == f"Breach of confidentiality reported: {case.reference}"
    assert "promptly" in mail.outbox[0].body
    assert fresh(case).status == "reported"  # before anyone has triaged it


def test_with_no_programme_manager_the_administrators_are_told(alice, bob, ada, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(reporter=alice.user)
    assert sent_to("ada@example.org") == [f"New concern {case.reference} reported in The Health Creation Alliance"]


def test_each_step_tells_the_right_people(people, django_capture_on_commit_callbacks):
    case = report(reporter=None, reporter_name="Dee Witness", reporter_email="dee@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        triage(case, people["priya"], severity="serious")
    assert sent_to("bob@example.org") == ["A concern has been raised about Northfield Wellbeing Trust"]
    assert sent_to("pam@example.org") == [f"Case {case.reference} needs the panel"]
    assert not sent_to("dee@example.org") and not sent_to("alice@example.org")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.breach_case_message_reporter(
            case=case, actor=people["priya"], kind="acknowledgement", text="Received."
        )
    assert sent_to("dee@example.org") == [f"News about your report {case.reference}"]
    assert "Received." not in mail.outbox[0].body  # the message itself stays on the site
    assert "http://testserver/breaches/follow-up/" in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        respond(case, people["bob"])
    assert (
        sent_to("priya@example.org")
        == sent_to("pam@example.org")
        == [f"The respondent responded on case {case.reference}"]
    )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(case, people["pam"], outcome="formal_warning")
    assert (
        sent_to("bob@example.org")
        == sent_to("priya@example.org")
        == [f"Decision on case {case.reference}: formal warning"]
    )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.breach_case_close(
            case=case, expected_version=fresh(case).version, actor=people["priya"], feedback="Done."
        )
    assert sent_to("dee@example.org") == sent_to("bob@example.org") == [f"Case {case.reference} is closed"]


def test_an_anonymous_reporter_is_never_emailed(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(reporter=None, identity="anonymous")
        services.breach_case_message_reporter(case=case, actor=people["priya"], kind="question", text="When?")
    assert CaseEmail.objects.get(kind="to_reporter").recipient_count == 0
    assert {message.to[0] for message in mail.outbox} == {"priya@example.org"}


def test_the_email_task_is_safe_to_run_twice(people, django_capture_on_commit_callbacks):
    case = report(reporter=people["alice"])
    email = CaseEmail.objects.get(case=case, kind="reported")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_case_email(email.pk)
        tasks.send_case_email(email.pk)
    assert sent_to("priya@example.org") == [f"New concern {case.reference} reported in The Health Creation Alliance"]
    assert CaseEmail.objects.get(pk=email.pk).recipient_count == 1


def test_escalation_tells_the_panel_and_the_respondent(people, django_capture_on_commit_callbacks):
    case = triage(report(reporter=people["alice"]), people["priya"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.breach_case_escalate(
            case=case, expected_version=fresh(case).version, actor=people["priya"], reason="Deliberate."
        )
    assert sent_to("pam@example.org") == [f"Case {case.reference} needs the panel"]
    assert sent_to("bob@example.org") == [f"Case {case.reference}: formal, by the panel"]


def test_a_formal_case_with_no_panel_goes_back_to_the_programme_manager(
    alice, bob, priya, django_capture_on_commit_callbacks
):
    PartnershipRole.objects.filter(role="panel_member").delete()
    case = report(reporter=alice.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        triage(case, priya, severity="serious")
    assert f"Case {case.reference} needs the panel" in sent_to("priya@example.org")


def test_a_partnerships_own_name_for_its_programme_manager_is_the_one_its_emails_use(
    people, django_capture_on_commit_callbacks
):
    from conduct.models import Partnership
    from conduct.services import role_labels_set

    alliance = Partnership.objects.get(slug="health-creation-alliance")
    role_labels_set(partnership=alliance, actor=people["ada"], labels={"programme_manager": "Partnership Manager"})
    with django_capture_on_commit_callbacks(execute=True):
        report(reporter=people["alice"], confidentiality_breach=True)
    received = next(message for message in mail.outbox if message.to == ["alice@example.org"])
    told = next(message for message in mail.outbox if message.subject.startswith("Breach of confidentiality"))
    for body in (received.body, received.alternatives[0][0]):
        assert "The Partnership Manager will acknowledge it by" in body
        assert "seen only by the Partnership Manager and those handling the case" in body
    for body in (told.body, told.alternatives[0][0]):
        assert "asks that the Partnership Manager is notified" in body
    assert not any("programme manager" in message.body for message in mail.outbox)
