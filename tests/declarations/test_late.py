"""A declaration made more than the partnership's allowed days (28 by default) after the
interest arose is accepted but flagged as late, and the programme manager is told."""

import pytest
from django.core import mail

from declarations import selectors

from .conftest import accept, days_ago, declare, send_back
from .test_revisions import update

pytestmark = pytest.mark.django_db


def test_a_declaration_made_29_days_after_the_interest_arose_is_late_and_the_programme_manager_is_emailed(
    alice, priya, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declare(alice, arose_on=days_ago(29))
    assert declaration.is_late
    [email] = mail.outbox
    assert email.to == ["priya@example.org"]
    assert email.subject == "A late declaration of interest from Alice Adams (The Health Creation Alliance)"
    assert "29 days after it arose (19 February 2026)" in email.body
    assert "within 28 days" in email.body
    assert f"http://testserver/declarations/{declaration.pk}/" in email.body
    assert "late=true" in email.body
    assert declaration.events.get(action="submitted").notified_at is not None


def test_a_declaration_made_28_days_after_is_on_time_and_nobody_is_emailed(
    alice, priya, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declare(alice, arose_on=days_ago(28))
    assert not declaration.is_late and mail.outbox == []


def test_a_late_declaration_is_still_accepted(alice, priya):
    declaration = accept(declare(alice, arose_on=days_ago(100)), priya)
    assert declaration.status == "accepted" and declaration.is_late


def test_the_partnership_sets_how_late_is_late(alice, alliance):
    policy = selectors.policy_for(alliance)
    policy.late_after_days = 7
    policy.save()
    assert declare(alice, arose_on=days_ago(8)).is_late
    assert not declare(alice, arose_on=days_ago(7)).is_late


def test_a_nil_declaration_is_never_late(alice):
    assert not declare(alice, nil=True).is_late


def test_resubmitting_a_late_declaration_does_not_email_again(alice, priya, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declare(alice, arose_on=days_ago(40))
        declaration = send_back(declaration, priya)
        update(declaration, note="Answered.")
    late_emails = [m for m in mail.outbox if m.subject.startswith("A late declaration")]
    assert len(late_emails) == 1


def test_lateness_is_measured_from_the_first_declaration_not_from_an_update(alice, priya, time_machine):
    declaration = declare(alice, arose_on=days_ago(5))
    time_machine.shift(60 * 60 * 24 * 60)  # two months on, the partner corrects a detail
    declaration = update(declaration, description="A hamper, corrected")
    assert not declaration.is_late


def test_correcting_the_date_it_arose_to_an_earlier_one_can_make_it_late(
    alice, priya, django_capture_on_commit_callbacks
):
    declaration = declare(alice, arose_on=days_ago(5))
    with django_capture_on_commit_callbacks(execute=True):
        declaration = update(declaration, arose_on=days_ago(60))
    assert declaration.is_late
    assert [m.subject for m in mail.outbox] == [
        "A late declaration of interest from Alice Adams (The Health Creation Alliance)"
    ]


def test_the_partner_is_warned_before_submitting_a_late_declaration(client, alice):
    declaration = declare(alice, submit=False, arose_on=days_ago(45))
    client.force_login(alice.user)
    page = client.get(f"/declarations/{declaration.pk}/check/").content.decode()
    assert "This interest arose 45 days before today" in page
    assert "asks for declarations within 28 days, so it will be recorded as late" in page


def test_the_programme_manager_sees_late_declarations_flagged(client, alice, bob, priya):
    late = declare(alice, arose_on=days_ago(45))
    on_time = declare(bob)
    client.force_login(priya)
    page = client.get("/declarations/register/?late=true")
    assert [d.pk for d in page.context["page"]] == [late.pk]
    assert '<strong class="govuk-tag govuk-tag--red">Late</strong>' in page.content.decode()
    assert [d.pk for d in client.get("/declarations/register/?late=false").context["page"]] == [on_time.pk]
