"""A formal case is decided by a panel the programme manager convenes: as many
members as the policy says, none involved in the case or conflicted; each gives
a view with reasons; the majority (or, by policy, everyone) decides, and nobody
decides without a quorum. Every view, dissent included, stays in the record."""

import pytest

from breaches import services
from breaches.models import BreachPolicy, CaseEvent, PanelView
from conduct.models import AuditEntry, Organisation, Partner, PartnershipRole
from tests.breaches.conftest import convene, decide, fresh, make_panel_member, report, respond, triage
from tests.breaches.test_conflicts import declare_interest

pytestmark = pytest.mark.django_db


@pytest.fixture
def formal_case(people):
    case = triage(report(reporter=people["alice"]), people["priya"], severity="serious")
    respond(case, people["bob"])
    return fresh(case)


def view(case, who, outcome, reasons="Because."):
    return services.breach_case_panel_view_record(case=case, actor=who, outcome=outcome, reasons=reasons)


def test_two_for_suspension_and_one_against_decide_a_suspension_with_the_dissent_recorded(people, formal_case):
    convene(formal_case)
    view(formal_case, people["pam"], "suspension", "The figures were shared on purpose.")
    view(formal_case, people["quinn"], "suspension", "Deliberate, and it harmed trust.")
    view(formal_case, people["rosa"], "formal_warning", "A first breach: a warning is enough.")

    case = decide(
        formal_case,
        people["quinn"],
        outcome="suspension",
        suspended_until=fresh(formal_case).reported_at.date().replace(month=9),
    )
    assert (case.status, case.outcome, case.decided_by) == ("decided", "suspension", people["quinn"])
    event = CaseEvent.objects.filter(case=case, action="decide").get()
    assert "The panel decided: 2 of 3 for suspension; dissent: Rosa Reed (formal warning)." in event.reason
    # Every view stays, the dissent included.
    assert list(PanelView.objects.filter(panel__case=case).values_list("member__username", "outcome")) == [
        ("pam", "suspension"),
        ("quinn", "suspension"),
        ("rosa", "formal_warning"),
    ]


def test_the_decision_must_be_the_panels(people, formal_case):
    convene(formal_case)
    for who in ("pam", "quinn", "rosa"):
        view(formal_case, people[who], "formal_warning")
    with pytest.raises(services.BreachError, match="The panel's decision is formal warning: record that outcome."):
        decide(formal_case, people["pam"], outcome="not_upheld")
    assert fresh(formal_case).status == "formal"


def test_no_decision_without_a_quorum(people, formal_case):
    convene(formal_case)
    view(formal_case, people["pam"], "formal_warning")
    view(formal_case, people["quinn"], "formal_warning")
    with pytest.raises(
        services.BreachError, match="The panel has no quorum yet: 2 of 3 members have given their view."
    ):
        decide(formal_case, people["pam"], outcome="formal_warning")
    assert fresh(formal_case).status == "formal"


def test_no_decision_without_a_panel(people, formal_case):
    with pytest.raises(services.BreachError, match="A panel must be convened to decide this case."):
        services.breach_case_decide(
            case=formal_case,
            expected_version=formal_case.version,
            actor=people["pam"],
            outcome="not_upheld",
            finding="F.",
            reasons="R.",
            wider_causes="W.",
            lessons="L.",
        )


def test_three_different_views_decide_nothing(people, formal_case):
    convene(formal_case)
    view(formal_case, people["pam"], "formal_warning")
    view(formal_case, people["quinn"], "suspension")
    view(formal_case, people["rosa"], "not_upheld")
    with pytest.raises(services.BreachError, match="The panel has not decided: the policy needs a majority"):
        decide(formal_case, people["pam"], outcome="formal_warning")


def test_where_the_partnership_asks_for_unanimity_a_majority_is_not_enough(people, alliance, formal_case):
    BreachPolicy.objects.create(partnership=alliance, panel_unanimous=True)
    convene(formal_case)
    view(formal_case, people["pam"], "suspension")
    view(formal_case, people["quinn"], "suspension")
    view(formal_case, people["rosa"], "formal_warning")
    with pytest.raises(services.BreachError, match="the policy needs every member to agree"):
        decide(formal_case, people["pam"], outcome="suspension")


def test_the_panel_has_the_size_the_partnership_sets(people, alliance, formal_case):
    with pytest.raises(services.BreachError, match="Choose 3 members for the panel."):
        convene(formal_case, "pam", "quinn")
    BreachPolicy.objects.create(partnership=alliance, panel_size=2)
    panel = convene(formal_case, "pam", "quinn")
    assert panel.size == 2


def test_a_member_gives_one_view_only(people, formal_case):
    convene(formal_case)
    view(formal_case, people["pam"], "suspension")
    with pytest.raises(services.BreachError, match="You have already given your view on this case."):
        view(formal_case, people["pam"], "not_upheld")
    assert AuditEntry.objects.filter(action="breach_case.panel_view", actor=people["pam"]).count() == 1


def test_only_the_panels_members_give_views(people, formal_case):
    convene(formal_case)
    make_panel_member("sam", "Sam", "Spare")
    with pytest.raises(services.BreachError, match="Only a member of this case's panel can give a view on it."):
        view(formal_case, people["priya"], "not_upheld")


def test_a_panel_member_who_is_not_a_partner_is_refused_by_their_own_declared_interest(people, formal_case):
    declaration = declare_interest(
        people["quinn"], organisation=Organisation.objects.get(name="Northfield Wellbeing Trust")
    )
    with pytest.raises(
        services.BreachError,
        match=f"Quinn Quarry cannot sit on the panel: Quinn Quarry has declared an interest concerning Northfield "
        f"Wellbeing Trust that is not yet resolved \\(declaration {declaration.pk},",
    ):
        convene(formal_case)
    assert not fresh(formal_case).panels.exists()


def test_a_conflicted_member_is_refused(people, formal_case):
    declare_interest(people["pam"], organisation=Organisation.objects.get(name="Northfield Wellbeing Trust"))
    with pytest.raises(
        services.BreachError, match="Pam Panel cannot sit on the panel: Pam Panel has declared an interest"
    ):
        convene(formal_case)
    assert not fresh(formal_case).panels.exists()


def test_people_involved_in_the_case_are_refused(people, alliance, formal_case):
    # Alice reported it, Bob's organisation is the respondent, Priya triaged it: all three sit on the panel.
    for user in (people["alice"], people["bob"], people["priya"]):
        PartnershipRole.objects.create(user=user, partnership=alliance, role=PartnershipRole.Role.PANEL_MEMBER)
    colleague = make_panel_member("nora", "Nora", "North")
    Partner.objects.create(user=colleague, organisation=Organisation.objects.get(name="Northfield Wellbeing Trust"))
    refusals = {
        # Not "reported the concern": convening a panel is no back door to the reporter's identity.
        "alice": "Alice Adams cannot sit on the panel: they are a party to the case.",
        "bob": "Bob Brown cannot sit on the panel: they are a partner at Northfield Wellbeing Trust, which the case",
        "nora": "Nora North cannot sit on the panel: they are a partner at Northfield Wellbeing Trust",
        "priya": "Priya Patel cannot sit on the panel: they have already handled the case.",
    }
    for name, refusal in refusals.items():
        with pytest.raises(services.BreachError, match=refusal):
            convene(formal_case, name, "quinn", "rosa")
    assert not fresh(formal_case).panels.exists()


def test_only_the_programme_manager_convenes_and_only_once(people, formal_case):
    with pytest.raises(
        services.BreachError, match="Only the chair or the programme manager of The Health Creation Alliance"
    ):
        convene(formal_case, actor=people["pam"])
    convene(formal_case)
    with pytest.raises(services.BreachError, match="This case already has a panel."):
        convene(formal_case)
    event = CaseEvent.objects.filter(case=formal_case, action="convene").get()
    assert event.actor == people["priya"]
    assert event.reason == "Panel of Pam Panel, Quinn Quarry, Rosa Reed; the majority decides."


def test_the_pages_convene_a_panel_take_views_and_offer_the_decision(client, people, formal_case):
    client.force_login(people["priya"])
    url = f"/breaches/cases/{formal_case.pk}/convene/"
    body = client.post(url, {"version": fresh(formal_case).version, "members": [people["pam"].pk]}).content.decode()
    assert "Choose 3 members of the panel" in body
    response = client.post(
        url,
        {"version": fresh(formal_case).version, "members": [people[name].pk for name in ("pam", "quinn", "rosa")]},
    )
    assert response.status_code == 302 and fresh(formal_case).panels.count() == 1

    for name, outcome in (("pam", "suspension"), ("quinn", "suspension"), ("rosa", "formal_warning")):
        client.force_login(people[name])
        page = client.get(formal_case.get_absolute_url()).content.decode()
        assert "Give your view" in page and ">Decide<" not in page
        body = client.post(
            f"/breaches/cases/{formal_case.pk}/view/", {"outcome": outcome, "reasons": ""}
        ).content.decode()
        assert "Give the reasons for your view" in body
        client.post(f"/breaches/cases/{formal_case.pk}/view/", {"outcome": outcome, "reasons": f"{name} says so."})
    page = client.get(formal_case.get_absolute_url()).content.decode()
    assert "The panel decided: 2 of 3 for suspension; dissent: Rosa Reed (formal warning)." in page
    assert "Give your view" not in page and ">Decide<" in page
    decide_page = client.get(f"/breaches/cases/{formal_case.pk}/decide/").content.decode()
    assert "rosa says so." in decide_page
