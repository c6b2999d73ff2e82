"""Declaring only while one may, and once per page sent: a partner whose
organisation has been terminated no longer submits or revises declarations to
that partnership, and the start page sent twice, or twenty times at once,
starts one declaration."""

import threading

import pytest
from django.db import connection

from conduct.services import membership_end
from declarations import services
from declarations.models import Declaration
from tests.declarations.conftest import TODAY, declare

START = "/declarations/new/"


@pytest.fixture
def terminated(alice, alliance, ada):
    """alice's organisation, Riverside, is terminated from the Alliance."""

    def terminate():
        membership_end(
            membership=alice.organisation.memberships.get(partnership=alliance),
            ended_on=TODAY,
            reason="Terminated by the decision on a breach case.",
            actor=ada,
        )

    return terminate


@pytest.mark.django_db
def test_a_partner_of_a_terminated_organisation_can_no_longer_submit_or_revise(client, alice, terminated):
    submitted = declare(alice)
    draft = declare(alice, submit=False)
    terminated()

    refusal = "You neither belong to a member organisation of The Health Creation Alliance nor hold a role in it."
    with pytest.raises(services.DeclarationError, match=refusal):
        services.declaration_submit(declaration=draft, actor=alice.user)
    with pytest.raises(services.DeclarationError, match=refusal):
        services.declaration_revise(declaration=submitted, actor=alice.user)
    with pytest.raises(services.DeclarationError, match=refusal):
        services.declaration_draft_save(declaration=draft, actor=alice.user, description="Changed")

    client.force_login(alice.user)
    response = client.post(f"/declarations/{draft.pk}/check/", {})
    assert response.status_code == 200 and refusal in response.content.decode()
    assert Declaration.objects.get(pk=draft.pk).status == "draft"
    assert Declaration.objects.get(pk=submitted.pk).revisions.count() == 1


@pytest.mark.django_db
def test_the_start_page_sent_twice_starts_one_declaration(client, alice):
    client.force_login(alice.user)
    token = client.get(START).context["form"]["submission"].value()
    first = client.post(START, {"declaring": "interest", "submission": token})
    second = client.post(START, {"declaring": "interest", "submission": token})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Declaration.objects.filter(declarant=alice.user).count() == 1
    # A new page is a new declaration.
    token = client.get(START).context["form"]["submission"].value()
    client.post(START, {"declaring": "nil", "submission": token})
    assert Declaration.objects.filter(declarant=alice.user).count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_twenty_starts_sent_at_once_make_one_draft_on_postgresql(alice, alliance):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (set DATABASE_URL): SQLite lets one writer in at a time, so nothing races.")
    barrier = threading.Barrier(20)
    started, errors = [], []

    def start():
        try:
            barrier.wait()
            started.append(
                services.declaration_start(actor=alice.user, partnership=alliance, is_nil=False, start_token="page-1")
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Declaration.objects.filter(declarant=alice.user).count() == 1
    assert {declaration.pk for declaration in started} == {Declaration.objects.get(declarant=alice.user).pk}
