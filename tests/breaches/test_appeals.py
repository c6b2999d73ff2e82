"""The respondent may appeal a formal decision within the partnership's appeal window,
stating grounds. A second panel, none of whom took the decision and nobody conflicted,
hears it: the decision is upheld, overturned or varied, and its effects follow. The
decision appealed against stays in the record; the appeal is a new entry."""

import datetime

import pytest
from django.core import mail

from breaches import selectors, services
from breaches.models import Appeal, BreachCase, BreachPolicy, CaseEvent, CaseMessage
from conduct import services as conduct_services
from conduct.models import (
    AuditEntry,
    CodeVersion,
    Membership,
    Organisation,
    Signature,
    SignatureRequest,
    Suspension,
    User,
)
from declarations.services import decision_participation_check
from tests.breaches.conftest import decide, fresh, make_panel_member, report, respond, triage
from tests.breaches.test_conflicts import declare_interest

pytestmark = pytest.mark.django_db

UNTIL = datetime.date(2026, 9, 30)
RIVERSIDE = "Riverside Community Health"


@pytest.fixture
def appeal_panel(people):
    """Sam, Tara and Uma sit on the Alliance's panel too, and took no part in the decision."""
    return [
        make_panel_member(*names)
        for names in (("sam", "Sam", "Stone"), ("tara", "Tara", "Teal"), ("uma", "Uma", "Upton"))
    ]


def decided(people, outcome, **fields) -> BreachCase:
    """Alice reports Northfield; Pam, Quinn and Rosa decide the outcome."""
    case = triage(report(reporter=people["alice"]), people["priya"], severity="serious")
    respond(case, people["bob"])
    return decide(case, people["pam"], outcome=outcome, **fields)


def appeal(case, who, grounds="The panel did not read our response."):
    return services.breach_case_appeal(case=case, actor=who, grounds=grounds)


def hear(case, members, outcome, *, against=None, actor=None, suspended_until=None):
    """The appeal panel is convened, gives its views (each for the outcome unless named
    in `against`), and a member records its decision with feedback for the reporter."""
    services.breach_case_appeal_panel_convene(
        case=case,
        expected_version=fresh(case).version,
        actor=actor or User.objects.get(username="priya"),
        members=members,
    )
    against = against or {}
    for member in members:
        services.breach_case_appeal_view_record(
            case=case,
            actor=member,
            outcome=against.get(member.username, outcome),
            reasons=f"{member.first_name} agrees.",
        )
    return services.breach_case_appeal_decide(
        case=case,
        expected_version=fresh(case).version,
        actor=members[0],
        reasons="The original panel gave no weight to the response.",
        reporter_feedback="The appeal has been heard and decided.",
        suspended_until=suspended_until,
    )


def test_the_respondent_appeals_within_the_window_with_grounds(people):
    case = decided(people, "formal_warning")
    with pytest.raises(services.BreachError, match="Give your grounds of appeal."):
        appeal(case, people["bob"], grounds="  ")
    lodged = appeal(case, people["bob"])
    assert (lodged.status, lodged.grounds, lodged.lodged_by) == (
        "lodged",
        "The panel did not read our response.",
        people["bob"],
    )
    event = CaseEvent.objects.get(case=case, action="appeal")
    assert (event.actor, event.reason) == (people["bob"], "The panel did not read our response.")
    assert AuditEntry.objects.filter(action="breach_case.appeal", actor=people["bob"]).exists()
    # The decision appealed against is unchanged.
    assert (fresh(case).status, fresh(case).outcome) == ("decided", "formal_warning")
    with pytest.raises(services.BreachError, match="already been appealed"):
        appeal(case, people["bob"])


def test_the_appeal_window_is_the_partnerships(people, alliance, time_machine):
    BreachPolicy.objects.create(partnership=alliance, appeal_window_days=7)
    case = decided(people, "formal_warning")  # decided Wednesday 18 March 2026
    time_machine.move_to(datetime.datetime(2026, 3, 26, 9, 0, tzinfo=datetime.UTC), tick=True)
    with pytest.raises(services.BreachError, match="The time to appeal ended on 25 March 2026."):
        appeal(case, people["bob"])
    time_machine.move_to(datetime.datetime(2026, 3, 25, 9, 0, tzinfo=datetime.UTC), tick=True)
    assert appeal(case, people["bob"]).status == "lodged"


def test_the_default_window_is_14_days(people, time_machine):
    case = decided(people, "formal_warning")
    time_machine.move_to(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=datetime.UTC), tick=True)
    assert services.appeal_lodge_refusal(case=case, actor=people["bob"]) == "The time to appeal ended on 1 April 2026."


def test_only_the_respondent_appeals_and_only_against_a_sanction(people):
    case = decided(people, "formal_warning")
    with pytest.raises(services.BreachError, match="Only a partner in the organisation the case concerns"):
        appeal(case, people["alice"])
    not_upheld = decided(people, "not_upheld")
    with pytest.raises(services.BreachError, match="Only a formal warning, a suspension or a termination"):
        appeal(not_upheld, people["bob"])


def test_the_appeal_panel_has_none_of_the_original_deciders(people, appeal_panel):
    case = decided(people, "formal_warning")
    appeal(case, people["bob"])
    with pytest.raises(
        services.BreachError, match="Pam Panel cannot hear the appeal: they took part in the decision appealed against."
    ):
        services.breach_case_appeal_panel_convene(
            case=case,
            expected_version=fresh(case).version,
            actor=people["priya"],
            members=[people["pam"], *appeal_panel[1:]],
        )
    with pytest.raises(services.BreachError, match="Rosa Reed cannot hear the appeal"):
        services.breach_case_appeal_panel_convene(
            case=case,
            expected_version=fresh(case).version,
            actor=people["priya"],
            members=[people["rosa"], *appeal_panel[1:]],
        )


def test_a_conflicted_member_cannot_hear_the_appeal(people, appeal_panel):
    case = decided(people, "formal_warning")
    appeal(case, people["bob"])
    sam = appeal_panel[0]
    # Sam is not a partner, so declares as a panel member does.
    declare_interest(sam, organisation=Organisation.objects.get(name="Northfield Wellbeing Trust"))
    with pytest.raises(services.BreachError, match="Sam Stone cannot sit on the panel"):
        services.breach_case_appeal_panel_convene(
            case=case, expected_version=fresh(case).version, actor=people["priya"], members=appeal_panel
        )


def test_an_overturned_suspension_lifts_and_the_partners_take_part_again(
    people, appeal_panel, django_capture_on_commit_callbacks
):
    case = decided(people, "suspension", suspended_until=UNTIL)
    riverside = Organisation.objects.get(name=RIVERSIDE)
    assert not decision_participation_check(user=people["bob"], organisation=riverside).allowed
    appeal(case, people["bob"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided_appeal = hear(case, appeal_panel, "not_upheld", against={"uma": "suspension"})
    assert (decided_appeal.result, decided_appeal.outcome) == ("overturned", "not_upheld")
    assert decision_participation_check(user=people["bob"], organisation=riverside).allowed
    suspension = Suspension.objects.get()
    assert suspension.lifted_reason == f"The decision on breach case {case.reference} was overturned on appeal."
    # The original decision stays; the appeal is a new entry with the tally and the dissent.
    assert (fresh(case).outcome, fresh(case).suspended_until) == ("suspension", UNTIL)
    event = CaseEvent.objects.get(case=case, action="appeal_decide")
    assert "Decision overturned." in event.reason
    assert "2 of 3 for not upheld; dissent: Uma Upton (suspension)" in event.reason
    assert AuditEntry.objects.filter(action="suspension.lifted", actor=appeal_panel[0]).exists()
    subjects = {(message.to[0], message.subject) for message in mail.outbox}
    assert (people["bob"].email, f"Appeal on case {case.reference} decided: decision overturned") in subjects
    assert (people["priya"].email, f"Appeal on case {case.reference} decided: decision overturned") in subjects


def test_an_overturned_termination_restores_the_membership_and_asks_its_partners_to_sign_again(
    people, appeal_panel, django_capture_on_commit_callbacks
):
    version = CodeVersion.objects.get(code__slug="health-creation-alliance", number=2)
    bob = people["bob"].partner
    conduct_services.signature_record(partner=bob, version=version, typed_name="Bob Brown")
    case = decided(people, "termination")
    membership = Membership.objects.get(organisation=bob.organisation, partnership__slug="health-creation-alliance")
    assert membership.ended_on is not None
    appeal(case, people["bob"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        hear(case, appeal_panel, "not_upheld")
    membership.refresh_from_db()
    assert (membership.ended_on, membership.ended_reason) == (None, "")
    assert AuditEntry.objects.filter(action="membership.restored", actor=appeal_panel[0]).exists()
    request = SignatureRequest.objects.get(partner=bob, version=version)
    assert request.emailed_at is not None  # asked afresh, and emailed
    assert any("sign" in message.subject.lower() and message.to == [people["bob"].email] for message in mail.outbox)
    signature, created = conduct_services.signature_record(partner=bob, version=version, typed_name="Bob Brown")
    assert created and signature.status == "active"
    assert list(Signature.objects.filter(partner=bob).values_list("status", flat=True).order_by("status")) == [
        "active",
        "ended",
    ]  # the ended signature stays in the record
    assert fresh(case).outcome == "termination"


def test_a_varied_decision_takes_the_panels_outcome(people, appeal_panel):
    case = decided(people, "suspension", suspended_until=UNTIL)
    appeal(case, people["bob"])
    varied = hear(case, appeal_panel, "formal_warning")
    assert (varied.result, varied.outcome, varied.outcome_phrase) == (
        "varied",
        "formal_warning",
        "Decision varied: formal warning",
    )
    assert Suspension.objects.get().lifted_at is not None
    assert decision_participation_check(user=people["bob"]).allowed


def test_an_upheld_decision_changes_nothing(people, appeal_panel):
    case = decided(people, "suspension", suspended_until=UNTIL)
    appeal(case, people["bob"])
    upheld = hear(case, appeal_panel, "suspension")
    assert (upheld.result, upheld.outcome, upheld.suspended_until) == ("upheld", "suspension", UNTIL)
    assert Suspension.objects.get().lifted_at is None
    assert not decision_participation_check(user=people["bob"]).allowed


def test_no_appeal_decision_without_the_appeal_panels_quorum(people, appeal_panel):
    case = decided(people, "formal_warning")
    appeal(case, people["bob"])
    services.breach_case_appeal_panel_convene(
        case=case, expected_version=fresh(case).version, actor=people["priya"], members=appeal_panel
    )
    services.breach_case_appeal_view_record(case=case, actor=appeal_panel[0], outcome="not_upheld", reasons="No.")
    with pytest.raises(services.BreachError, match="The panel has no quorum yet: 1 of 3"):
        services.breach_case_appeal_decide(
            case=case, expected_version=fresh(case).version, actor=appeal_panel[0], reasons="R", reporter_feedback="F"
        )
    assert Appeal.objects.get().status == "lodged"


def test_the_reporter_is_told_the_feedback_and_nothing_more(client, people, appeal_panel):
    case = decided(people, "formal_warning")
    appeal(case, people["bob"], grounds="Our confidential grounds.")
    hear(case, appeal_panel, "not_upheld")
    assert CaseMessage.objects.filter(
        case=case, kind="feedback", text="The appeal has been heard and decided."
    ).exists()
    client.force_login(people["alice"])
    page = client.get(f"/breaches/cases/{case.pk}/").content.decode()
    assert "The appeal has been heard and decided." in page
    assert "Appeal decided" in page
    for secret in ("Our confidential grounds.", "no weight to the response", "overturned", "Uma"):
        assert secret not in page


def test_the_appeal_through_the_pages(client, people, appeal_panel):
    case = decided(people, "suspension", suspended_until=UNTIL)
    sam, tara, uma = appeal_panel
    client.force_login(people["bob"])
    page = client.get(f"/breaches/cases/{case.pk}/").content.decode()
    assert "You may appeal against this decision until 1 April 2026" in page
    url = f"/breaches/cases/{case.pk}/appeal/"
    body = client.post(url, {"grounds": ""}).content.decode()
    assert "govuk-error-summary" in body and "Give your grounds of appeal" in body
    assert client.post(url, {"grounds": "Our response was not read."}).status_code == 302
    assert (
        "Not yet: the decision stands until the appeal is heard" in client.get(case.get_absolute_url()).content.decode()
    )

    client.force_login(people["priya"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Convene an appeal panel" in page and "Our response was not read." in page
    convene_page = client.get(f"/breaches/cases/{case.pk}/appeal/convene/").content.decode()
    assert "Pam Panel" not in convene_page and "Sam Stone" in convene_page  # the original deciders are not offered
    response = client.post(
        f"/breaches/cases/{case.pk}/appeal/convene/",
        {"version": fresh(case).version, "members": [sam.pk, tara.pk, uma.pk]},
    )
    assert response.status_code == 302

    for member in appeal_panel:
        client.force_login(member)
        assert "Give your view on the appeal" in client.get(case.get_absolute_url()).content.decode()
        view_url = f"/breaches/cases/{case.pk}/appeal/view/"
        assert "(the decision appealed against)" in client.get(view_url).content.decode()
        response = client.post(view_url, {"outcome": "not_upheld", "reasons": "The response answers the concern."})
        assert response.status_code == 302

    client.force_login(sam)
    decide_url = f"/breaches/cases/{case.pk}/appeal/decide/"
    body = client.post(decide_url, {"version": fresh(case).version, "reasons": ""}).content.decode()
    assert "Give the reasons for the appeal&#x27;s decision" in body
    response = client.post(
        decide_url,
        {"version": fresh(case).version, "reasons": "Not upheld on appeal.", "reporter_feedback": "It is decided."},
    )
    assert response.status_code == 302
    assert Appeal.objects.get().result == "overturned"
    client.force_login(people["bob"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Decision overturned" in page and "Not upheld on appeal." in page
    assert "Sam Stone" not in page  # the respondent does not learn who decided


def test_nobody_else_reaches_the_appeal_pages(client, people, appeal_panel):
    case = decided(people, "formal_warning")
    client.force_login(people["alice"])  # the reporter
    assert client.get(f"/breaches/cases/{case.pk}/appeal/").status_code == 404
    client.force_login(people["charlie"])
    for step in ("", "convene/", "view/", "decide/"):
        assert client.get(f"/breaches/cases/{case.pk}/appeal/{step}").status_code == 404
    client.force_login(people["priya"])  # no appeal yet: nothing to convene
    response = client.get(f"/breaches/cases/{case.pk}/appeal/convene/")
    assert response.status_code == 302


def test_a_breach_overturned_on_appeal_no_longer_makes_the_next_one_continued(people, appeal_panel):
    case = decided(people, "formal_warning")
    later = report(reporter=people["alice"])
    assert selectors.respondent_history(later).continued  # the warning is live
    appeal(case, people["bob"])
    hear(case, appeal_panel, "not_upheld")
    history = selectors.respondent_history(later)
    assert not history.upheld_recently and not history.continued


def _appealed_case(people, deciders, hearers):
    """A case decided as a warning by the deciders, appealed, and each hearer's view given."""
    case = triage(report(reporter=people["alice"]), people["priya"], severity="serious")
    respond(case, people["bob"])
    services.breach_case_panel_convene(
        case=case, expected_version=fresh(case).version, actor=people["priya"], members=deciders
    )
    for member in deciders:
        services.breach_case_panel_view_record(case=case, actor=member, outcome="formal_warning", reasons="Yes.")
    case = decide(case, deciders[0], outcome="formal_warning")
    appeal(case, people["bob"])
    services.breach_case_appeal_panel_convene(
        case=case, expected_version=fresh(case).version, actor=people["priya"], members=hearers
    )
    for member in hearers:
        services.breach_case_appeal_view_record(case=case, actor=member, outcome="not_upheld", reasons="No.")
    return case


def test_the_appeal_pages_take_as_many_queries_for_a_panel_of_seven_as_of_three(client, people, alliance):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def panel(prefix, size):
        return [make_panel_member(f"{prefix}{n}", prefix.title(), f"Member {n}") for n in range(size)]

    def queries(user, path) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    policy = BreachPolicy.objects.create(partnership=alliance, panel_size=3)
    small = _appealed_case(people, panel("a", 3), hearers := panel("b", 3))
    few = [
        queries(people["priya"], small.get_absolute_url()),
        queries(hearers[0], f"/breaches/cases/{small.pk}/appeal/decide/"),
        queries(people["bob"], small.get_absolute_url()),
    ]
    policy.panel_size = 7
    policy.save()
    large = _appealed_case(people, panel("c", 7), hearers := panel("d", 7))
    many = [
        queries(people["priya"], large.get_absolute_url()),
        queries(hearers[0], f"/breaches/cases/{large.pk}/appeal/decide/"),
        queries(people["bob"], large.get_absolute_url()),
    ]
    assert few == many, f"case page, appeal decision page, respondent's page: {few} for 3 members, {many} for 7"
