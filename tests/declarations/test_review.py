"""The programme manager or a reviewer accepts a declaration, with or without management
actions, or returns it with a question; every change is recorded with who, when and why."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from conduct.models import Membership, PartnershipRole
from declarations import services
from declarations.models import Declaration, DeclarationEvent, ManagementAction
from tests.conftest import make_partner

from .conftest import EXCLUDED, accept, declare, send_back

pytestmark = pytest.mark.django_db


def review(client, declaration, **data):
    return client.post(f"/declarations/{declaration.pk}/review/", data)


def test_the_programme_manager_returns_a_declaration_with_a_question(
    client, alice, priya, django_capture_on_commit_callbacks
):
    declaration = declare(alice)
    client.force_login(priya)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = review(client, declaration, decision="return", note="Who at Acme gave you the hamper?")
    assert response["Location"] == f"/declarations/{declaration.pk}/"
    assert len(callbacks) == 2  # the event's task, then the email it queued

    declaration.refresh_from_db()
    assert declaration.status == "returned" and declaration.is_unresolved
    event = declaration.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "returned",
        "submitted",
        "returned",
        priya,
        "Who at Acme gave you the hamper?",
    )
    assert event.revision == declaration.revision and event.notified_at is not None
    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert email.subject == "Your declaration of interest has been returned with a question"
    assert "Who at Acme gave you the hamper?" in email.body
    assert f"http://testserver/declarations/{declaration.pk}/" in email.body
    assert "Who at Acme gave you the hamper?" in email.alternatives[0][0]


def test_the_partner_answers_the_question_and_resubmits_a_new_revision(client, alice, priya):
    declaration = send_back(declare(alice), priya, question="Who gave it?")
    client.force_login(alice.user)
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert "Who gave it?" in page and "Answer the question" in page

    response = client.post(f"/declarations/{declaration.pk}/update/")
    assert response["Location"] == f"/declarations/{declaration.pk}/check/"
    assert "Who gave it?" in client.get(response["Location"]).content.decode()
    client.post(f"/declarations/{declaration.pk}/questions/concerning/", {"counterparty_name": "Jo Bloggs, Acme sales"})
    response = client.post(f"/declarations/{declaration.pk}/check/", {"note": "Their sales manager, Jo Bloggs."})
    assert response["Location"] == f"/declarations/{declaration.pk}/"

    declaration.refresh_from_db()
    assert declaration.status == "submitted"
    assert [r.counterparty_name for r in declaration.revisions.order_by("number")] == [
        "Acme Health Supplies",
        "Jo Bloggs, Acme sales",
    ]
    assert declaration.revision.number == 2
    event = declaration.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "resubmitted",
        "returned",
        "submitted",
        alice.user,
        "Their sales manager, Jo Bloggs.",
    )


def test_accepting_with_management_actions_keeps_the_text_as_accepted(
    client, alice, acme, priya, django_capture_on_commit_callbacks
):
    declaration = declare(alice, counterparty_organisation=acme, counterparty_name="")
    client.force_login(priya)
    with django_capture_on_commit_callbacks(execute=True):
        response = review(
            client,
            declaration,
            decision="accept_with_actions",
            actions=["excluded_from_decisions", "other"],
            other_action="May not chair the supplies panel",
            note="Thank you for declaring promptly.",
        )
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == "accepted" and declaration.accepted_revision == declaration.revision
    assert declaration.accepted_at is not None
    actions = [action.text for action in declaration.accepted_revision.management_actions.all()]
    assert actions == ["Excluded from decisions concerning Acme Health Supplies", "May not chair the supplies panel"]
    event = declaration.events.last()
    assert (event.action, event.actor, event.note) == ("accepted", priya, "Thank you for declaring promptly.")
    [email] = mail.outbox
    assert email.subject == "Your declaration of interest has been accepted"
    assert "- Excluded from decisions concerning Acme Health Supplies" in email.body

    client.force_login(alice.user)
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert "Excluded from decisions concerning Acme Health Supplies" in page


def test_accepting_as_no_conflict_records_no_actions(alice, rita):
    declaration = accept(declare(alice), rita)
    assert declaration.status == "accepted"
    assert not ManagementAction.objects.exists()
    assert declaration.events.last().actor == rita


def test_a_declarations_reviewer_reviews_like_the_programme_manager(client, alice, rita):
    declaration = declare(alice)
    client.force_login(rita)
    assert client.get(f"/declarations/{declaration.pk}/review/").status_code == 200
    review(client, declaration, decision="accept")
    assert Declaration.objects.get(pk=declaration.pk).status == "accepted"


def test_nobody_reviews_their_own_declaration(client, alice, alliance):
    PartnershipRole.objects.create(user=alice.user, partnership=alliance, role=PartnershipRole.Role.PROGRAMME_MANAGER)
    declaration = declare(alice)
    client.force_login(alice.user)
    assert client.get(f"/declarations/{declaration.pk}/review/").status_code == 403
    with pytest.raises(services.DeclarationError, match="your own declaration"):
        services.declaration_accept(declaration=declaration, actor=alice.user)


def test_a_programme_managers_own_declaration_is_reviewed_by_someone_else(client, priya, rita, acme):
    declaration = declare(priya, counterparty_organisation=acme)
    client.force_login(priya)
    assert client.get(f"/declarations/{declaration.pk}/review/").status_code == 403
    client.force_login(rita)
    review(client, declaration, decision="accept")
    assert Declaration.objects.get(pk=declaration.pk).status == "accepted"


def test_a_reviewer_with_an_unresolved_interest_in_whom_a_declaration_names_may_not_review_it(
    client, alice, rita, priya, acme
):
    own = declare(rita, counterparty_organisation=acme, counterparty_name="")
    declaration = declare(alice, counterparty_organisation=acme, counterparty_name="")
    client.force_login(rita)
    response = client.get(f"/declarations/{declaration.pk}/review/")
    assert response.status_code == 403
    assert f"declaration {own.pk}" in response.content.decode()
    with pytest.raises(services.DeclarationError, match=f"not yet resolved \\(declaration {own.pk}"):
        services.declaration_accept(declaration=declaration, actor=rita)
    # Once the reviewer's own interest is resolved, they may.
    accept(own, priya)
    review(client, declaration, decision="accept")
    assert Declaration.objects.get(pk=declaration.pk).status == "accepted"


def test_a_reviewer_does_not_review_a_declaration_about_the_organisation_they_work_for(client, alice, rita, bob):
    """Penetration test, finding 1: belonging to the organisation a declaration is about excludes a reviewer."""
    from conduct.models import Partner

    Partner.objects.create(user=rita, organisation=bob.organisation)
    declaration = declare(alice, counterparty_organisation=bob.organisation, counterparty_name="")
    client.force_login(rita)
    response = client.get(f"/declarations/{declaration.pk}/review/")
    assert response.status_code == 403
    assert "You work for Northfield Wellbeing Trust" in response.content.decode()
    with pytest.raises(services.DeclarationError, match="You work for Northfield Wellbeing Trust"):
        services.declaration_accept(declaration=declaration, actor=rita)
    assert Declaration.objects.get(pk=declaration.pk).status == "submitted"


def test_a_reviewer_does_not_review_a_declaration_naming_them(client, alice, rita):
    declaration = declare(alice, counterparty_name="rita reviewer")
    with pytest.raises(services.DeclarationError, match="names you"):
        services.declaration_accept(declaration=declaration, actor=rita)


def test_the_programme_manager_of_another_partnership_cannot_review(client, charlie, priya):
    declaration = declare(charlie)
    client.force_login(priya)
    assert client.get(f"/declarations/{declaration.pk}/review/").status_code == 404
    with pytest.raises(services.DeclarationError, match="Only the programme manager or a reviewer"):
        services.declaration_return(declaration=declaration, actor=priya, question="Why?")


def test_partners_do_not_review(client, alice, bob):
    declaration = declare(alice)
    client.force_login(bob.user)
    assert client.get(f"/declarations/{declaration.pk}/review/").status_code == 404


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "decision", "Choose whether to accept the declaration or return it"),
        ({"decision": "accept_with_actions"}, "actions", "Choose at least one management action"),
        (
            {"decision": "accept_with_actions", "actions": ["other"]},
            "other_action",
            "Describe the other management action",
        ),
        ({"decision": "return", "note": "  "}, "note", "Enter your question for the partner"),
        (
            {"decision": "accept", "actions": ["step_down"]},
            "actions",
            "Management actions apply only when you accept with management actions",
        ),
        ({"decision": "return", "note": "Why? " * 300}, "note", "Keep it to 1,000 characters or fewer"),
    ],
)
def test_the_review_form_explains_what_is_missing(client, alice, priya, data, field, message):
    declaration = declare(alice)
    client.force_login(priya)
    response = review(client, declaration, **data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'<a href="#id_{field}' in page
    assert Declaration.objects.get(pk=declaration.pk).status == "submitted"
    if data.get("note", "").strip():
        assert data["note"].strip() in page


@pytest.mark.parametrize("status", ["returned", "accepted"])
def test_only_a_submitted_declaration_is_reviewed(alice, priya, status):
    declaration = declare(alice)
    declaration = send_back(declaration, priya) if status == "returned" else accept(declaration, priya)
    with pytest.raises(
        services.DeclarationError, match=f"Only a submitted declaration can be accepted; this one is {status}"
    ):
        services.declaration_accept(declaration=declaration, actor=priya)
    with pytest.raises(services.DeclarationError, match="Only a submitted declaration can be returned"):
        services.declaration_return(declaration=declaration, actor=priya, question="Again?")


def test_the_review_page_of_a_reviewed_declaration_says_there_is_nothing_to_review(client, alice, priya):
    declaration = accept(declare(alice), priya)
    client.force_login(priya)
    response = client.get(f"/declarations/{declaration.pk}/review/", follow=True)
    assert "there is nothing to review" in response.content.decode()


def test_accepting_an_interest_ends_the_nil_declaration_it_contradicts(alice, priya):
    nil = accept(declare(alice, nil=True), priya)
    interest = accept(declare(alice), priya)
    nil.refresh_from_db()
    assert nil.status == "ended" and nil.ended_on is not None
    event = nil.events.last()
    assert event.action == "ended" and f"Replaced by declaration {interest.pk}" in event.note and event.actor == priya


def test_the_history_is_never_changed_or_deleted(alice):
    event = declare(alice).events.first()
    with pytest.raises(ValidationError):
        event.note = "rewritten"
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        DeclarationEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(ValidationError):
        DeclarationEvent.objects.all().delete()


def test_the_email_for_an_event_is_sent_once_however_often_the_task_runs(
    alice, priya, django_capture_on_commit_callbacks
):
    from declarations.tasks import send_declaration_event_email

    declaration = send_back(declare(alice), priya)
    event = declaration.events.get(action="returned")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_declaration_event_email(event.pk)
        send_declaration_event_email(event.pk)
    assert len(mail.outbox) == 1


def test_the_email_is_queued_only_once_the_change_commits(alice, priya, django_capture_on_commit_callbacks):
    declaration = declare(alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.declaration_return(declaration=declaration, actor=priya, question="Who?")
    assert len(callbacks) == 1 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    assert len(mail.outbox) == 1


def test_a_partner_whose_organisation_left_keeps_their_declarations_reviewable(alice, priya, alliance):
    from django.utils import timezone

    declaration = declare(alice)
    membership = Membership.objects.get(organisation=alice.organisation, partnership=alliance)
    membership.ended_on = timezone.localdate()
    membership.save()
    assert accept(declaration, priya).status == "accepted"


def test_a_colleague_in_the_same_organisation_cannot_act_on_a_declaration(alice, riverside):
    colleague = make_partner("carol", "Carol", "Colleague", riverside)
    declaration = declare(alice)
    with pytest.raises(services.DeclarationError, match="Only the person who made"):
        services.declaration_end(declaration=declaration, actor=colleague.user, ended_on=declaration.revision.arose_on)
    with pytest.raises(services.DeclarationError):
        services.declaration_accept(declaration=declaration, actor=colleague.user, actions=[EXCLUDED])
