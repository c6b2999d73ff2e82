"""The meeting pages, through the test client: each form re-shows what was typed with a
GOV.UK error summary, and saves nothing, when the input is wrong."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declarations.models import Declaration
from meetings.models import AgendaItem, ConflictHandling, ItemDecision, Meeting, MeetingPolicy
from tests.security.test_hostile_input import HOSTILE_NUMBER, HOSTILE_TEXT, assert_handled

from .conftest import OUTSIDE_EMPLOYMENT, add_item, declare

pytestmark = pytest.mark.django_db


def test_the_chair_records_a_meeting(client, alliance, cara, alice, bob):
    client.force_login(cara)
    response = client.post(
        "/meetings/new/",
        {
            "partnership": alliance.pk,
            "held_on_0": "25",
            "held_on_1": "3",
            "held_on_2": "2026",
            "purpose": "To award the transport contract.",
            "chair": "CARA@example.org",
            "attendees": "alice@example.org\nbob@example.org, alice@example.org",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.chair == cara
    assert set(meeting.attendees.values_list("user__username", flat=True)) == {"alice", "bob", "cara"}


def test_an_unknown_attendee_is_named_in_the_error_summary_and_nothing_is_saved(client, alliance, cara):
    client.force_login(cara)
    response = client.post(
        "/meetings/new/",
        {
            "partnership": alliance.pk,
            "held_on_0": "31",
            "held_on_1": "2",
            "held_on_2": "2026",
            "purpose": "",
            "chair": "cara@example.org",
            "attendees": "nobody@example.org",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: Record a meeting" in page
    assert "There is a problem" in page
    assert "The date of the meeting must be a real date" in page
    assert "Enter the purpose of the meeting" in page
    assert "Nobody has the email address nobody@example.org" in page
    assert "nobody@example.org</textarea>" in page
    assert not Meeting.objects.exists()


def test_the_chair_adds_an_item_records_a_declaration_what_happened_and_the_decision(
    client, meeting, cara, alice, bob, acme
):
    declare(alice, counterparty_organisation=acme, **OUTSIDE_EMPLOYMENT)
    client.force_login(cara)
    response = client.post(
        f"/meetings/{meeting.pk}/items/new/",
        {
            "title": "Transport contract",
            "organisations": "Acme Health Supplies\n\n",
            "people": "",
            "confidential": "no",
        },
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get()
    assert [subject.organisation for subject in item.subjects.all()] == [acme]

    response = client.post(
        f"/meetings/{meeting.pk}/declarations/new/",
        {
            "attendee": bob.user.pk,
            "kind": "personal",
            "situation": "loyalty_interest",
            "concerning": "Acme Health Supplies",
            "description": "His brother works there",
            "arose_on_0": "1",
            "arose_on_1": "1",
            "arose_on_2": "2020",
        },
    )
    assert response.status_code == 302
    assert Declaration.objects.filter(declarant=bob.user, status="submitted").count() == 1

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "2 conflicts of interest on 1 item" in page
    url = f"/meetings/{meeting.pk}/items/{item.pk}/conflicts/{alice.user.pk}/"
    response = client.post(url, {"handling": "stayed_not_voting"})
    assert "must have left the room" in response.content.decode() and not ConflictHandling.objects.exists()
    assert client.post(url, {"handling": "left_room"}).status_code == 302
    assert (
        client.post(
            f"/meetings/{meeting.pk}/items/{item.pk}/conflicts/{bob.user.pk}/", {"handling": "stayed_not_voting"}
        ).status_code
        == 302
    )

    decide_url = f"/meetings/{meeting.pk}/items/{item.pk}/decision/"
    form = client.get(decide_url).context["form"]
    # Those who left the room or did not vote are not ticked.
    assert {user.username for user in form.initial["participants"]} == {"cara", "priya"}
    response = client.post(decide_url, {"outcome": "", "participants": [alice.user.pk]})
    page = response.content.decode()
    assert "Enter what was decided" in page and not ItemDecision.objects.exists()
    response = client.post(decide_url, {"outcome": "Awarded.", "participants": [alice.user.pk, cara.pk]})
    assert "Alice Adams left the room for the item." in response.content.decode()
    response = client.post(decide_url, {"outcome": "Awarded.", "participants": [cara.pk]})
    assert response.status_code == 302 and ItemDecision.objects.get().outcome == "Awarded."

    response = client.post(f"/meetings/{meeting.pk}/publish/")
    assert response.status_code == 302 and response["Location"] == meeting.get_public_url()
    # Once published, the forms send the chair back to the meeting.
    assert client.get(f"/meetings/{meeting.pk}/items/new/")["Location"] == meeting.get_absolute_url()


def test_the_rule_is_on_the_partnerships_policies_page(client, alliance, ada):
    url = f"/manage/partnerships/{alliance.slug}/policies/"
    client.force_login(ada)
    page = client.get(url).content.decode()
    assert "Attendees of meetings with a conflict of interest" in page
    assert "Left the room for the item unless you change it." in page
    data = {
        bound.html_name: "on" if bound.value() is True else str(bound.value())
        for form in client.get(url).context["forms"]
        for bound in form
        if bound.value() is not False
    }
    data["meetings-other_interest"] = "left_room"
    assert client.post(url, data).status_code == 302
    assert MeetingPolicy.objects.get(partnership=alliance).other_interest == "left_room"
    data["meetings-financial_interest"] = "dispensation"
    page = client.post(url, data).content.decode()
    assert "Choose one of the options" in page and "There is a problem" in page
    assert MeetingPolicy.objects.get(partnership=alliance).financial_interest == "left_room"


def test_a_meeting_page_is_for_those_who_run_it(client, meeting, cara, alice):
    add_item(meeting, cara)
    client.force_login(alice.user)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get("/meetings/").status_code == 403


def test_private_practice_declared_at_the_meeting_needs_its_permission_and_hours_by_each_field(
    client, meeting, cara, bob
):
    from tests.declarations.test_bad_input import field_error, summary_links

    client.force_login(cara)
    url = f"/meetings/{meeting.pk}/declarations/new/"
    spoken = {
        "attendee": bob.user.pk,
        "kind": "financial",
        "situation": "private_practice",
        "concerning": "Acme Health Supplies",
        "description": "Runs a clinic the bidder refers patients to",
        "arose_on_0": "1",
        "arose_on_1": "1",
        "arose_on_2": "2024",
        "practice_place": "Harley Street",
        "practice_hours": "300",
    }
    response = client.post(url, spoken)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter who gave you permission" in field_error(page, "id_permitted_by")
    assert "Enter when you practise" in field_error(page, "id_practice_times")
    assert ("id_permitted_by", "Enter who gave you permission") in summary_links(page)
    # The last field of its fieldset, so read from its form group to the fieldset's end.
    assert ("id_practice_hours", "A week has 168 hours: enter 168 or fewer") in summary_links(page)
    hours = page[page.index('<div id="div_id_practice_hours" class="govuk-form-group govuk-form-group--error">') :]
    assert "A week has 168 hours" in hours[: hours.index("</fieldset>")]
    assert 'value="Harley Street"' in page
    assert not Declaration.objects.exists()

    response = client.post(
        url,
        {
            **spoken,
            "permitted_by": "The medical director",
            "permitted_on_0": "2",
            "permitted_on_1": "12",
            "permitted_on_2": "2023",
            "practice_times": "Saturday mornings",
            "practice_hours": "4",
        },
    )
    assert response.status_code == 302
    revision = Declaration.objects.get(declarant=bob.user).revision
    assert (revision.permitted_by, revision.practice_times, revision.practice_hours) == (
        "The medical director",
        "Saturday mornings",
        4,
    )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    situation=st.sampled_from(["outside_employment", "private_practice", "shareholding", "gift", "<b>"]),
    permitted_by=HOSTILE_TEXT,
    year=st.one_of(st.sampled_from(["2025", "", "0", "99999"]), st.text(max_size=6)),
    place=HOSTILE_TEXT,
    hours=HOSTILE_NUMBER,
)
def test_an_on_the_spot_declaration_with_hostile_permission_and_practice_never_fails(
    client, meeting, cara, bob, situation, permitted_by, year, place, hours
):
    client.force_login(cara)
    before = Declaration.objects.count()
    response = client.post(
        f"/meetings/{meeting.pk}/declarations/new/",
        {
            "attendee": bob.user.pk,
            "kind": "financial",
            "situation": situation,
            "concerning": "Acme Health Supplies",
            "description": "Declared at the meeting",
            "arose_on_0": "1",
            "arose_on_1": "1",
            "arose_on_2": "2024",
            "permitted_by": permitted_by,
            "permitted_on_0": "2",
            "permitted_on_1": "12",
            "permitted_on_2": year,
            "practice_place": place,
            "practice_times": "Saturdays",
            "practice_hours": hours,
        },
    )
    assert_handled(response, permitted_by, place)
    if response.status_code == 200:
        assert Declaration.objects.count() == before, "a refused form saved something"
    else:
        revision = Declaration.objects.latest("pk").revision
        assert not revision.permission_problems and revision.situation in (
            "outside_employment",
            "private_practice",
            "shareholding",
        )
