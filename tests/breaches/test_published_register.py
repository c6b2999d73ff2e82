"""The anonymised register of breaches: the programme manager publishes a decided case,
case by case, with words written for publication; anyone reads it; it never shows a
reporter, a respondent, an organisation or any free text not approved for publication."""

import pytest

from breaches import services
from breaches.models import BreachCase, CaseEvent, PublishedCase
from conduct.models import AuditEntry
from tests.breaches.conftest import case_in, decide, fresh, report, respond, triage

pytestmark = pytest.mark.django_db

REGISTER = "/breaches/published/health-creation-alliance/"
SUMMARY = "A partner passed figures shared in confidence at a board meeting to a supplier."
LESSONS = "Board papers now say which figures are confidential, and until when."


def publish(case, actor, *, summary=SUMMARY, lessons=LESSONS):
    return services.breach_case_publish(
        case=case, expected_version=fresh(case).version, actor=actor, summary=summary, lessons=lessons
    )


@pytest.fixture
def warned(people):
    """A case upheld with a formal warning, its own words full of names."""
    case = triage(
        report(reporter=people["alice"], respondent_person_name="Bob Brown"), people["priya"], severity="serious"
    )
    respond(case, people["bob"])
    return fresh(
        decide(
            case,
            people["pam"],
            outcome="formal_warning",
            finding="Bob Brown of Northfield sent the figures to Acme.",
            reasons="Alice Adams saw the email.",
            wider_causes="Northfield's papers carry no marking.",
            lessons="Northfield will mark its papers.",
        )
    )


def test_a_decided_case_is_published_with_only_the_words_written_for_it(client, people, warned):
    publication = publish(warned, people["priya"])
    assert (publication.track, publication.outcome) == ("formal", "formal_warning")
    assert publication.decided_in == warned.decided_at.date().replace(day=1)

    html = client.get(REGISTER).content.decode()  # anyone, signed in or not
    assert SUMMARY in html and LESSONS in html and "Formal warning" in html
    cited = warned.cited_items.get()
    assert cited.text in html
    for private in (
        "Alice Adams",
        "Bob Brown",
        "Northfield",
        "Riverside",
        warned.description,
        warned.incident_place,
        warned.reference,
        "Alice Adams saw the email.",
        "sent the figures to Acme",
    ):
        assert private not in html, private

    # The case keeps its status; its history and the audit log say who published it.
    case = fresh(warned)
    assert case.status == "decided"
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "publish",
        people["priya"],
        "decided",
        "decided",
    )
    assert AuditEntry.objects.filter(action="breach_case.publish", subject_id=str(case.pk)).exists()
    assert client.get("/breaches/published/").content.decode().count("The Health Creation Alliance") == 1


def test_words_naming_a_person_or_an_organisation_are_refused_beside_the_field(client, people, warned):
    client.force_login(people["priya"])
    page = client.get(f"/breaches/cases/{warned.pk}/publish/")
    assert page.status_code == 200
    response = client.post(
        f"/breaches/cases/{warned.pk}/publish/",
        {
            "version": warned.version,
            "summary": "Someone at NORTHFIELD wellbeing trust shared figures.",
            "lessons": "Alice   Adams was right to report it.",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Take out Northfield Wellbeing Trust" in form.errors["summary"][0]
    assert "Take out Alice Adams" in form.errors["lessons"][0]
    html = response.content.decode()
    assert "govuk-error-summary" in html and "Alice   Adams was right" in html  # what was typed is kept
    assert not PublishedCase.objects.exists() and fresh(warned).version == warned.version

    # A name inside another word is not a name.
    publish(warned, people["priya"], lessons="Bobbing along: Northfields of papers are now marked.")
    assert PublishedCase.objects.count() == 1


def test_only_a_decided_case_by_its_programme_manager_and_only_once(people, warned):
    open_case = case_in("informal", people=people)
    with pytest.raises(services.BreachError, match="cannot be published"):
        publish(open_case, people["priya"])
    for someone in ("alice", "bob", "pam"):
        with pytest.raises(services.BreachError, match="Only the programme manager"):
            publish(warned, people[someone])
    publish(warned, people["priya"])
    with pytest.raises(services.BreachError, match="already on the anonymised register"):
        publish(warned, people["ada"])


def test_a_closed_case_is_published_too(people):
    closed = case_in("closed", people=people)
    assert publish(closed, people["ada"]).outcome == "not_upheld"
    assert fresh(closed).status == "closed"


def test_the_case_page_offers_publishing_until_it_is_done(client, people, warned):
    client.force_login(people["priya"])
    url = f"/breaches/cases/{warned.pk}/"
    assert "Publish on the anonymised register" in client.get(url).content.decode()
    response = client.post(
        f"/breaches/cases/{warned.pk}/publish/", {"version": warned.version, "summary": SUMMARY, "lessons": LESSONS}
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Publish on the anonymised register" not in html and 'id="case-published"' in html


def test_an_empty_register_says_so(client, people):
    assert "Nothing has been published yet." in client.get(REGISTER).content.decode()
    assert client.get("/breaches/published/no-such-partnership/").status_code == 404
    assert BreachCase.objects.count() == 0
