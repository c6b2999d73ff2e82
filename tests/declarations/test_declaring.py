"""A partner declares an interest one question a page, checks the answers and submits;
a nil declaration is a declaration too."""

import datetime
from decimal import Decimal

import pytest

from declarations import selectors, services
from declarations.models import Declaration, DeclarationEvent, DeclarationRevision
from tests.conftest import make_organisation, make_user

from .conftest import declare

pytestmark = pytest.mark.django_db


def date_fields(name: str, value: datetime.date | None) -> dict:
    if value is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def question_url(declaration, step):
    return f"/declarations/{declaration.pk}/questions/{step}/"


def start(client, **data) -> Declaration:
    response = client.post("/declarations/new/", {"declaring": "interest", **data})
    assert response.status_code == 302, response.content.decode()
    return Declaration.objects.latest("pk")


def test_a_partner_declares_a_gift_one_question_a_page(client, alice, acme):
    client.force_login(alice.user)
    response = client.get("/declarations/new/")
    assert response.status_code == 200
    assert "Which partnership" not in response.content.decode()  # alice's organisation is in one partnership

    response = client.post("/declarations/new/", {"declaring": "interest"})
    declaration = Declaration.objects.get(partner=alice)
    assert response["Location"] == question_url(declaration, "kind")
    assert declaration.status == "draft" and declaration.partnership.slug == "health-creation-alliance"

    assert client.post(question_url(declaration, "kind"), {"kind": "financial"})["Location"] == question_url(
        declaration, "situation"
    )
    assert client.post(question_url(declaration, "situation"), {"situation": "gift"})["Location"] == question_url(
        declaration, "concerning"
    )
    response = client.post(
        question_url(declaration, "concerning"), {"counterparty_organisation": acme.pk, "counterparty_name": ""}
    )
    assert response["Location"] == question_url(declaration, "details")
    response = client.get(question_url(declaration, "details"))
    assert "Gifts from one source worth less than £50.00 in all over 12 months need not be declared" in (
        response.content.decode()
    )
    response = client.post(
        question_url(declaration, "details"),
        {
            "description": "  A hamper of fruit  ",
            **date_fields("arose_on", datetime.date(2026, 3, 10)),
            **date_fields("ends_on", None),
            "value": "£1,060.50",
            "cash_or_vouchers": "no",
            "from_supplier": "no",
            "outcome": "accepted",
        },
    )
    assert response["Location"] == f"/declarations/{declaration.pk}/check/"

    page = client.get(f"/declarations/{declaration.pk}/check/").content.decode()
    assert "Check your declaration before submitting it" in page
    assert "Acme Health Supplies" in page and "£1060.50" in page and "10 March 2026" in page
    assert "recorded as late" not in page

    response = client.post(f"/declarations/{declaration.pk}/check/", {})
    assert response["Location"] == f"/declarations/{declaration.pk}/"

    declaration.refresh_from_db()
    assert declaration.status == "submitted" and not declaration.is_late
    assert declaration.first_submitted_at is not None
    revision = declaration.revision
    assert (revision.number, revision.kind, revision.situation) == (1, "financial", "gift")
    assert revision.counterparty_organisation == acme and revision.counterparty_name == ""
    assert revision.description == "A hamper of fruit"
    assert (
        revision.value == Decimal("1060.50") and revision.cash_or_vouchers is False and revision.outcome == "accepted"
    )
    assert revision.submitted_by == alice.user
    events = list(declaration.events.values_list("action", "from_status", "to_status", "actor__username"))
    assert events == [("started", "", "draft", "alice"), ("submitted", "draft", "submitted", "alice")]


def test_a_nil_declaration_goes_straight_to_check_your_answers_and_is_a_declaration_too(client, alice):
    client.force_login(alice.user)
    response = client.post("/declarations/new/", {"declaring": "nil"})
    declaration = Declaration.objects.get(partner=alice)
    assert response["Location"] == f"/declarations/{declaration.pk}/check/"
    assert client.get(question_url(declaration, "kind"))["Location"] == f"/declarations/{declaration.pk}/check/"
    assert "I have no interests to declare (nil declaration)" in client.get(response["Location"]).content.decode()

    client.post(f"/declarations/{declaration.pk}/check/", {})
    declaration.refresh_from_db()
    assert declaration.status == "submitted" and declaration.revision.is_nil and not declaration.is_late


def test_a_partner_whose_organisation_is_in_two_partnerships_chooses_which_one(client, alice, coalition):
    from conduct.models import Membership

    Membership.objects.create(
        organisation=alice.organisation, partnership=coalition, started_on=datetime.date(2024, 1, 1)
    )
    client.force_login(alice.user)
    response = client.post("/declarations/new/", {"declaring": "interest"})
    assert response.status_code == 200
    assert "Choose the partnership you are declaring to" in response.content.decode()

    start(client, partnership=coalition.pk)
    assert Declaration.objects.get(partner=alice).partnership == coalition


def test_a_partner_cannot_declare_to_a_partnership_their_organisation_has_left(alice, coalition):
    with pytest.raises(services.DeclarationError, match="neither belong to a member organisation"):
        services.declaration_start(actor=alice.user, partnership=coalition, is_nil=False)


def test_only_people_who_take_part_in_a_partnerships_decisions_make_declarations(client, priya, alliance):
    client.force_login(priya)
    assert client.get("/declarations/new/").status_code == 200
    stranger = make_user("sam", "Sam", "Stranger")
    client.force_login(stranger)
    assert client.get("/declarations/new/").status_code == 403


def test_questions_are_answered_in_order(client, alice):
    client.force_login(alice.user)
    declaration = start(client)
    assert client.get(question_url(declaration, "details"))["Location"] == question_url(declaration, "kind")
    assert client.get(f"/declarations/{declaration.pk}/check/")["Location"] == question_url(declaration, "kind")
    assert client.get(question_url(declaration, "nonsense")).status_code == 404


def test_changing_an_answer_from_check_your_answers_comes_back_there(client, alice):
    declaration = declare(alice, submit=False)
    client.force_login(alice.user)
    page = client.get(f"/declarations/{declaration.pk}/check/").content.decode()
    assert f'href="{question_url(declaration, "kind")}"' in page
    response = client.post(question_url(declaration, "kind"), {"kind": "indirect"})
    assert response["Location"] == f"/declarations/{declaration.pk}/check/"
    assert DeclarationRevision.objects.get(declaration=declaration).kind == "indirect"


def test_what_is_typed_on_a_page_is_shown_again_when_coming_back_to_it(client, alice):
    declaration = declare(alice, submit=False)
    client.force_login(alice.user)
    page = client.get(question_url(declaration, "details")).content.decode()
    assert "A hamper at Christmas" in page
    assert 'value="60.00"' in page
    assert 'name="arose_on_2"' in page and 'value="2026"' in page


def test_a_gift_that_becomes_outside_employment_loses_its_value_and_asks_for_permission_instead(client, alice):
    declaration = declare(alice, submit=False)
    client.force_login(alice.user)
    response = client.post(question_url(declaration, "situation"), {"situation": "outside_employment"})
    # Outside employment needs prior permission, recorded: the details are asked again.
    assert response["Location"] == question_url(declaration, "details")
    revision = DeclarationRevision.objects.get(declaration=declaration)
    assert (revision.value, revision.outcome, revision.cash_or_vouchers) == (None, "", None)
    page = client.get(response["Location"]).content.decode()
    assert "Estimated value" not in page and "Who gave you permission?" in page


def test_outside_employment_that_becomes_a_gift_asks_for_its_value(client, alice):
    declaration = declare(alice, submit=False, situation="outside_employment")
    client.force_login(alice.user)
    response = client.post(question_url(declaration, "situation"), {"situation": "gift"})
    assert response["Location"] == question_url(declaration, "details")


def test_an_incomplete_declaration_cannot_be_submitted(alice):
    declaration = services.declaration_start(
        actor=alice.user, partnership=alice.organisation.memberships.get().partnership, is_nil=False
    )
    with pytest.raises(services.DeclarationError, match="Answer every question"):
        services.declaration_submit(declaration=declaration, actor=alice.user)
    assert Declaration.objects.get(pk=declaration.pk).status == "draft"


def test_cash_accepted_is_refused_by_the_service_against_the_answer_whatever_the_form(alice, alliance):
    with pytest.raises(services.DeclarationError) as refused:
        declare(alice, submit=False, cash_or_vouchers=True, outcome="accepted")
    assert refused.value.message_dict == {
        "outcome": ["Cash and vouchers must always be declined. Give them back, then choose Declined"]
    }
    # Saved while the partnership allowed it, then forbidden: the submission is refused.
    policy = selectors.policy_for(alliance)
    policy.cash_must_be_declined = False
    policy.save()
    declaration = declare(alice, submit=False, cash_or_vouchers=True, outcome="accepted")
    policy.cash_must_be_declined = True
    policy.save()
    with pytest.raises(services.DeclarationError, match="Cash and vouchers must always be declined"):
        services.declaration_submit(declaration=declaration, actor=alice.user)
    assert Declaration.objects.get(pk=declaration.pk).status == "draft"


def test_a_partnership_may_let_cash_be_accepted(alice, alliance):
    policy = selectors.policy_for(alliance)
    policy.cash_must_be_declined = False
    policy.save()
    declaration = declare(alice, cash_or_vouchers=True, outcome="accepted")
    assert declaration.status == "submitted"


def test_a_draft_belongs_to_its_partner_alone(client, alice, bob, priya):
    declaration = declare(alice, submit=False)
    for user in (bob.user, priya):
        client.force_login(user)
        assert client.get(f"/declarations/{declaration.pk}/").status_code == 404
        assert client.get(f"/declarations/{declaration.pk}/check/").status_code == 404
    with pytest.raises(services.DeclarationError, match="Only the person who made"):
        services.declaration_submit(declaration=declaration, actor=bob.user)


def test_the_partner_sees_their_declarations_and_their_history(client, alice, priya):
    declaration = declare(alice)
    draft = declare(alice, submit=False, counterparty_name="Northfield Golf Club")
    client.force_login(alice.user)
    page = client.get("/declarations/").content.decode()
    assert "Financial interest: gift concerning Acme Health Supplies" in page
    assert f"Draft declaration {draft.pk}" in page
    detail = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert "History" in detail and "Submitted" in detail and "Alice Adams" in detail


def test_a_new_organisation_in_the_partnership_can_declare_at_once(client, alliance):
    from tests.conftest import make_partner

    newcomer = make_partner("nina", "Nina", "New", make_organisation("Westway Pharmacy", alliance))
    assert declare(newcomer).status == "submitted"
    assert DeclarationEvent.objects.filter(declaration__partner=newcomer).count() == 2
