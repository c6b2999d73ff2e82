"""At the meeting the chair records declarations made on the spot (onto the register, like
any other), what happened to each conflicted attendee under the partnership's rule, and each
item's decision with who took part; then publishes the record, which never changes again."""

import datetime

import pytest

from conduct import services as conduct_services
from conduct.models import AuditEntry
from declarations import selectors as declaration_selectors
from declarations import services as declaration_services
from declarations.models import Declaration, DeclarationEvent
from meetings import selectors, services
from meetings.models import ConflictHandling, ItemDecision, Meeting

from .conftest import MEETING_DAY, OUTSIDE_EMPLOYMENT, add_item, declare, fresh

pytestmark = pytest.mark.django_db


def handle(meeting, actor, item, who, handling):
    return services.meeting_conflict_handle(meeting=meeting, actor=actor, item=item, attendee=who, handling=handling)


def decide(meeting, actor, item, *participants, outcome="Awarded to Acme Health Supplies."):
    return services.meeting_item_decide(
        meeting=meeting, actor=actor, item=item, outcome=outcome, participants=list(participants)
    )


def speak(meeting, actor, who, concerning="Acme Health Supplies", kind="financial"):
    return services.meeting_declaration_record(
        meeting=meeting,
        actor=actor,
        attendee=who,
        kind=kind,
        situation="shareholding",
        concerning=concerning,
        description="Holds shares in the bidder",
        arose_on=datetime.date(2025, 6, 1),
    )


def test_an_on_the_spot_declaration_reaches_the_register_and_the_conflicts_list(meeting, cara, bob, priya, acme):
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    declaration = speak(meeting, cara, bob.user, concerning="acme  health supplies")
    assert declaration.declarant == bob.user and declaration.partnership == meeting.partnership
    assert declaration.status == Declaration.Status.SUBMITTED
    assert declaration.revision.counterparty_organisation == acme
    assert declaration in declaration_selectors.declarations_for_review(priya)
    submitted = DeclarationEvent.objects.get(declaration=declaration, action="submitted")
    assert submitted.actor == cara
    assert f"Declared at the meeting of 25 March 2026 (meeting {meeting.pk}) and recorded by Cara Chair" in (
        submitted.note
    )
    (record,) = selectors.meeting_record(meeting)
    assert [conflict.attendee for conflict in record.conflicts] == [bob.user]
    assert record.item == item
    assert AuditEntry.objects.filter(action="meeting.declaration_recorded", subject_id=str(meeting.pk)).exists()
    # bob can end or update it himself, as his own.
    assert declaration in declaration_selectors.own_declarations(bob.user)


def test_an_on_the_spot_declaration_is_only_for_an_attendee(meeting, cara, charlie):
    with pytest.raises(services.MeetingError, match="Charlie Cole is not attending this meeting."):
        speak(meeting, cara, charlie.user)
    assert not Declaration.objects.exists()


def test_a_financial_interest_means_leaving_the_room(meeting, cara, alice, acme):
    declare(alice, counterparty_organisation=acme, **OUTSIDE_EMPLOYMENT)
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    with pytest.raises(services.MeetingError, match="Alice Adams .* must have left the room"):
        handle(meeting, cara, item, alice.user, "stayed_not_voting")
    recorded = handle(meeting, cara, item, alice.user, "left_room")
    assert recorded.declaration.revision.counterparty_organisation == acme
    # Recording the same again changes nothing; something else is refused.
    assert handle(meeting, cara, item, alice.user, "left_room") == recorded
    with pytest.raises(services.MeetingError, match="already recorded"):
        handle(meeting, cara, item, alice.user, "stayed_not_voting")
    assert AuditEntry.objects.filter(action="meeting.conflict_handled").count() == 1


def test_another_interest_means_staying_without_voting_or_leaving(meeting, cara, alice, bob, acme):
    for partner in (alice, bob):
        declare(partner, counterparty_organisation=acme, kind="professional", situation="other", value=None)
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    assert handle(meeting, cara, item, alice.user, "stayed_not_voting").handling == "stayed_not_voting"
    assert handle(meeting, cara, item, bob.user, "left_room").handling == "left_room"


def test_the_partnership_sets_its_own_rule(meeting, alliance, ada, cara, alice, acme):
    changed = services.meeting_policy_change(
        partnership=alliance, actor=ada, changes={"financial_interest": "left_room", "other_interest": "left_room"}
    )
    assert changed == ["an attendee with any other interest in an item: stayed_not_voting to left_room"]
    assert AuditEntry.objects.filter(action="meeting_policy.changed").get().actor == ada
    declare(alice, counterparty_organisation=acme, kind="personal", situation="other", value=None)
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    with pytest.raises(services.MeetingError, match="must have left the room"):
        handle(meeting, cara, item, alice.user, "stayed_not_voting")


def test_the_rule_offers_only_leaving_or_staying_without_voting(alliance, ada):
    with pytest.raises(services.MeetingError):
        services.meeting_policy_change(partnership=alliance, actor=ada, changes={"other_interest": "dispensation"})
    assert not AuditEntry.objects.filter(action="meeting_policy.changed").exists()


def test_someone_with_no_conflict_has_nothing_to_record(meeting, cara, alice):
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    with pytest.raises(services.MeetingError, match="Alice Adams has declared no interest"):
        handle(meeting, cara, item, alice.user, "left_room")


def test_a_dispensation_in_force_on_the_day_lets_them_take_part(meeting, cara, priya, alice, bob, acme):
    declaration = declare(alice, counterparty_organisation=acme, **OUTSIDE_EMPLOYMENT)
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    with pytest.raises(services.MeetingError, match="no dispensation in force on the day of the meeting"):
        handle(meeting, cara, item, alice.user, "dispensation")
    dispensation = declaration_services.dispensation_grant(
        declaration=declaration,
        actor=priya,
        reason="Only Alice knows the routes",
        starts_on=MEETING_DAY,
        ends_on=MEETING_DAY,
    )
    recorded = handle(meeting, cara, item, alice.user, "dispensation")
    assert recorded.dispensation == dispensation
    decision = decide(meeting, cara, item, alice.user, bob.user)
    assert set(decision.participants.all()) == {alice.user, bob.user}


def test_a_dispensation_that_has_expired_by_the_meeting_does_not(meeting, cara, priya, alice, acme):
    declaration = declare(alice, counterparty_organisation=acme, **OUTSIDE_EMPLOYMENT)
    declaration_services.dispensation_grant(
        declaration=declaration,
        actor=priya,
        reason="For the March board only",
        starts_on=datetime.date(2026, 3, 20),
        ends_on=datetime.date(2026, 3, 24),
    )
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    with pytest.raises(services.MeetingError, match="no dispensation in force"):
        handle(meeting, cara, item, alice.user, "dispensation")


def test_the_decision_records_its_outcome_and_who_took_part(meeting, cara, alice, bob, priya, acme):
    declare(alice, counterparty_organisation=acme, **OUTSIDE_EMPLOYMENT)
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    with pytest.raises(services.MeetingError, match="First record what happened to the conflicts of Alice Adams"):
        decide(meeting, cara, item, bob.user, priya)
    handle(meeting, cara, item, alice.user, "left_room")
    with pytest.raises(services.MeetingError, match="Alice Adams left the room for the item."):
        decide(meeting, cara, item, alice.user, bob.user)
    decision = decide(meeting, cara, item, bob.user, priya, cara)
    assert decision.outcome == "Awarded to Acme Health Supplies."
    assert set(decision.participants.all()) == {bob.user, priya, cara}
    entry = AuditEntry.objects.get(action="meeting.item_decided")
    assert entry.reason == "Awarded to Acme Health Supplies."
    with pytest.raises(services.MeetingError, match="already has a decision"):
        decide(meeting, cara, item, bob.user)


def test_the_decision_check_applies_to_everyone_who_takes_part(meeting, alliance, cara, alice, bob, charlie, acme):
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    conduct_services.suspension_start(
        partnership=alliance,
        organisation=bob.organisation,
        ends_on=datetime.date(2026, 6, 1),
        reason="Suspended on case BC-00001.",
        actor=None,
    )
    with pytest.raises(services.MeetingError, match="Northfield Wellbeing Trust is suspended from .* BC-00001"):
        decide(meeting, cara, item, alice.user, bob.user)
    with pytest.raises(services.MeetingError, match="Charlie Cole did not attend the meeting."):
        decide(meeting, cara, item, charlie.user)
    with pytest.raises(services.MeetingError, match="Choose who took part"):
        decide(meeting, cara, item)
    assert not ItemDecision.objects.exists()


def test_publishing_needs_every_decision_and_every_conflict_then_freezes_the_record(meeting, cara, alice, bob, acme):
    declare(alice, counterparty_organisation=acme, **OUTSIDE_EMPLOYMENT)
    with pytest.raises(services.MeetingError, match="Add the agenda's items"):
        services.meeting_record_publish(meeting=meeting, actor=cara)
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    with pytest.raises(services.MeetingError, match=r"Record the decision on every item first \(item 1\)"):
        services.meeting_record_publish(meeting=meeting, actor=cara)
    handle(meeting, cara, item, alice.user, "left_room")
    decide(meeting, cara, item, bob.user)
    published = services.meeting_record_publish(meeting=meeting, actor=cara)
    assert published.status == Meeting.Status.PUBLISHED and published.published_at
    assert services.meeting_record_publish(meeting=meeting, actor=cara).published_at == published.published_at
    assert AuditEntry.objects.filter(action="meeting.published").count() == 1
    with pytest.raises(services.MeetingError, match="published: it is never changed"):
        add_item(meeting, cara, "Late item")
    with pytest.raises(services.MeetingError, match="published: it is never changed"):
        speak(meeting, cara, bob.user)


def test_the_conflicts_of_a_published_meeting_are_what_was_recorded(meeting, cara, alice, bob, acme, rita):
    declaration = declare(alice, counterparty_organisation=acme, **OUTSIDE_EMPLOYMENT)
    item = add_item(meeting, cara, organisations=["Acme Health Supplies"])
    handle(meeting, cara, item, alice.user, "left_room")
    decide(meeting, cara, item, bob.user)
    services.meeting_record_publish(meeting=meeting, actor=cara)
    # Accepting the declaration afterwards resolves it, but the record keeps what happened.
    declaration_services.declaration_accept(declaration=declaration, actor=rita)
    (record,) = selectors.meeting_record(fresh(meeting))
    assert [(c.attendee, c.handling.handling) for c in record.conflicts] == [(alice.user, "left_room")]


def test_only_those_who_run_the_meeting_record_it(meeting, alice, bob, acme):
    with pytest.raises(services.MeetingError, match="Only the chair or programme manager"):
        add_item(meeting, alice.user, "An item of her own")
    with pytest.raises(services.MeetingError, match="Only the chair or programme manager"):
        services.meeting_create(
            actor=bob.user,
            partnership=meeting.partnership,
            held_on=MEETING_DAY,
            purpose="A meeting of his own",
            chair=bob.user,
            attendees=[],
        )
    assert not ConflictHandling.objects.exists()


def test_every_attendee_must_declare_to_the_partnership(alliance, priya, cara, charlie):
    with pytest.raises(services.MeetingError, match="Charlie Cole neither belong"):
        services.meeting_create(
            actor=priya,
            partnership=alliance,
            held_on=MEETING_DAY,
            purpose="Board",
            chair=cara,
            attendees=[charlie.user],
        )
    assert not Meeting.objects.exists()


def test_outside_employment_declared_on_the_spot_without_permission_is_refused_by_the_answer(meeting, cara, bob):
    with pytest.raises(services.MeetingError) as raised:
        services.meeting_declaration_record(
            meeting=meeting,
            actor=cara,
            attendee=bob.user,
            kind="financial",
            situation="outside_employment",
            concerning="Acme Health Supplies",
            description="Non-executive director of the bidder",
            arose_on=datetime.date(2025, 6, 1),
        )
    assert set(raised.value.message_dict) == {"permitted_by", "permitted_on"}
    assert not Declaration.objects.exists()
    assert not AuditEntry.objects.filter(action="meeting.declaration_recorded").exists()
