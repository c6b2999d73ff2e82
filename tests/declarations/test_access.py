"""A partner sees only their own declarations; the programme managers and reviewers of the
partnership see its declarations; administrators see all; anyone else gets a 404."""

import pytest

from .conftest import accept, declare, send_back

pytestmark = pytest.mark.django_db


def partner_pages(declaration) -> list[str]:
    base = f"/declarations/{declaration.pk}"
    return [f"{base}/", f"{base}/check/", f"{base}/questions/kind/", f"{base}/end/", f"{base}/start/"]


def test_a_partner_never_sees_another_partners_declarations(client, alice, bob, priya):
    returned = send_back(declare(alice), priya)
    accepted = accept(declare(alice), priya)
    client.force_login(bob.user)
    for declaration in (returned, accepted):
        for url in partner_pages(declaration):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/declarations/{declaration.pk}/update/").status_code == 404
        assert (
            client.post(
                f"/declarations/{declaration.pk}/end/", {"ended_on_0": "1", "ended_on_1": "3", "ended_on_2": "2026"}
            ).status_code
            == 404
        )
    assert returned.__class__.objects.get(pk=returned.pk).status == "returned"


def test_the_programme_manager_and_the_reviewer_see_their_partnerships_declarations(client, alice, priya, rita):
    declaration = declare(alice)
    for user in (priya, rita):
        client.force_login(user)
        page = client.get(f"/declarations/{declaration.pk}/")
        assert page.status_code == 200
        assert "Review this declaration" in page.content.decode()


def test_the_programme_manager_of_another_partnership_gets_a_404(client, charlie, priya):
    declaration = declare(charlie)
    client.force_login(priya)
    assert client.get(f"/declarations/{declaration.pk}/").status_code == 404


def test_an_administrator_sees_every_declaration_but_no_ones_draft(client, alice, charlie, ada):
    submitted = declare(charlie)
    draft = declare(alice, submit=False)
    client.force_login(ada)
    assert client.get(f"/declarations/{submitted.pk}/").status_code == 200
    assert client.get(f"/declarations/{draft.pk}/").status_code == 404


def test_reviewers_cannot_change_what_a_partner_declared(client, alice, priya):
    declaration = declare(alice)
    client.force_login(priya)
    for url in partner_pages(declaration)[1:]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/declarations/{declaration.pk}/update/").status_code == 404


@pytest.mark.parametrize("url", ["/declarations/", "/declarations/new/", "/declarations/register/", "/declarations/1/"])
def test_someone_not_logged_in_is_asked_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_home_page_links_to_declarations_for_each_role(client, alice, priya):
    assert "Published registers of interests" in client.get("/").content.decode()
    client.force_login(alice.user)
    page = client.get("/").content.decode()
    assert "Declare an interest, or that you have none" in page and "Declarations waiting for review" not in page
    client.force_login(priya)
    page = client.get("/").content.decode()
    assert "Declarations waiting for review" in page and "Declare an interest" not in page
