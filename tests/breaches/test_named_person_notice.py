"""When a case names a person, the respondent notice goes to that person, or, when they
have no account at the organisation, to the organisation's named contact: never to every
partner of the organisation. A case that names nobody is told to every partner, as before.

Bob and Nell are partners at Northfield, the respondent.
"""

import pytest
from django.core import mail

from breaches import selectors
from conduct import services as conduct_services
from conduct.models import AuditEntry, Organisation, Partner
from tests.breaches.conftest import report, triage
from tests.conftest import make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def nell(people, northfield):
    return make_partner("nell", "Nell", "Newton", northfield).user


def told(people, django_capture_on_commit_callbacks, *, named: str):
    """Alice's report naming the person given, triaged; and who got the respondent notice."""
    with django_capture_on_commit_callbacks(execute=True):
        case = triage(report(reporter=people["alice"], respondent_person_name=named), people["priya"])
    notice = "A concern has been raised about Northfield Wellbeing Trust"
    return case, {address for message in mail.outbox if message.subject == notice for address in message.to}


def test_a_case_naming_a_partner_is_told_to_them_alone(client, people, nell, django_capture_on_commit_callbacks):
    case, recipients = told(people, django_capture_on_commit_callbacks, named="bob brown")
    assert recipients == {"bob@example.org"}
    client.force_login(people["bob"])
    assert client.get(case.get_absolute_url()).status_code == 200
    assert case.reference in client.get("/breaches/mine/").content.decode()
    client.force_login(nell)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert case.reference not in client.get("/breaches/mine/").content.decode()


def test_a_case_naming_someone_without_an_account_is_told_to_the_named_contact(
    client, people, nell, northfield, django_capture_on_commit_callbacks
):
    conduct_services.organisation_contact_set(organisation=northfield, partner=nell.partner, actor=people["priya"])
    case, recipients = told(people, django_capture_on_commit_callbacks, named="Barry Brewer")
    assert recipients == {"nell@example.org"}
    client.force_login(nell)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert case.reference in client.get("/breaches/mine/").content.decode()
    client.force_login(people["bob"])
    assert client.get(case.get_absolute_url()).status_code == 404
    assert case.reference not in client.get("/breaches/mine/").content.decode()


def test_a_case_naming_nobody_is_told_to_every_partner(people, nell, django_capture_on_commit_callbacks):
    case, recipients = told(people, django_capture_on_commit_callbacks, named="")
    assert recipients == {"bob@example.org", "nell@example.org"}
    assert set(selectors.respondent_users(case)) == {people["bob"], nell}


def test_the_triage_page_warns_when_nobody_could_be_told(client, people, nell):
    case = report(reporter=people["alice"], respondent_person_name="Barry Brewer")
    client.force_login(people["priya"])
    body = client.get(f"/breaches/cases/{case.pk}/triage/").content.decode()
    assert "Nobody at Northfield Wellbeing Trust can be told" in body
    assert "named contact" in body


def test_the_programme_manager_names_the_contact_on_the_person_page(client, people, nell, northfield):
    client.force_login(people["priya"])
    url = f"/manage/partnerships/health-creation-alliance/people/{nell.partner.pk}/"
    assert "The contact at Northfield Wellbeing Trust" in client.get(url).content.decode()
    response = client.post(url, {"name": "Nell Newton", "job_title": "", "organisation_contact": "on"})
    assert response.status_code == 302
    assert Organisation.objects.get(pk=northfield.pk).contact == Partner.objects.get(user=nell)
    assert AuditEntry.objects.filter(action="organisation.contact_set", subject_id=str(northfield.pk)).exists()
    # Unticked, she is no longer the contact.
    client.post(url, {"name": "Nell Newton", "job_title": ""})
    assert Organisation.objects.get(pk=northfield.pk).contact is None


def test_only_a_partner_of_the_organisation_can_be_its_contact(people, northfield):
    with pytest.raises(conduct_services.ConductError, match="works for Riverside"):
        conduct_services.organisation_contact_set(
            organisation=northfield, partner=people["alice"].partner, actor=people["priya"]
        )
