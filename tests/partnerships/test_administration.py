"""A partnership sets itself up in the app: partnerships, member organisations, people and roles.

ada administers everything; priya is the alliance's programme manager; alice is a partner."""

import datetime

import pytest

from conduct import services
from conduct.models import AuditEntry, Membership, Partner, Partnership, PartnershipRole, Signature, User


def date_fields(name: str, date: datetime.date) -> dict:
    return {f"{name}_0": date.day, f"{name}_1": date.month, f"{name}_2": date.year}


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))


def test_an_administrator_creates_an_integrated_care_partnership(client, ada, seed_codes, alliance):
    client.force_login(ada)
    response = client.post(
        "/manage/partnerships/new/",
        {"name": "  Riverside   Integrated Care Board ", "kind": "integrated_care", "code": alliance.code_id},
    )
    partnership = Partnership.objects.get(name="Riverside Integrated Care Board")
    assert response.status_code == 302 and response["Location"] == f"/manage/partnerships/{partnership.slug}/"
    assert partnership.get_kind_display() == "Integrated care partnership or board"
    entry = AuditEntry.objects.get(action="partnership.created")
    assert entry.actor == ada and entry.subject_id == str(partnership.pk)


def test_an_administrator_changes_a_partnerships_name_and_kind_and_it_is_audited(client, ada, alliance):
    client.force_login(ada)
    url = f"/manage/partnerships/{alliance.slug}/edit/"
    data = {"name": "Health Creation Network", "kind": "primary_care_network", "code": alliance.code_id}
    response = client.post(url, data)
    assert response.status_code == 302
    alliance.refresh_from_db()
    assert (alliance.name, alliance.get_kind_display()) == ("Health Creation Network", "Primary care network")
    entry = AuditEntry.objects.get(action="partnership.updated")
    assert entry.actor == ada and "Name The Health Creation Alliance → Health Creation Network" in entry.summary
    # Saved again unchanged: nothing more is recorded.
    client.post(url, data)
    assert AuditEntry.objects.filter(action="partnership.updated").count() == 1


def test_a_second_partnership_of_the_same_name_is_refused_next_to_the_field(client, ada, alliance):
    before = Partnership.objects.count()
    client.force_login(ada)
    response = client.post(
        "/manage/partnerships/new/",
        {"name": "the health creation alliance", "kind": "other", "code": alliance.code_id},
    )
    assert response.status_code == 200
    assert "There is already a partnership called the health creation alliance" in response.content.decode()
    assert Partnership.objects.count() == before


def test_an_organisation_joins_and_leaves_and_its_signatures_end_with_it(client, ada, alliance, alice):
    version = alliance.code.versions.get(status="published")
    services.signature_record(partner=alice, version=version, typed_name="Alice Adams")
    client.force_login(ada)
    response = client.post(
        f"/manage/partnerships/{alliance.slug}/organisations/new/",
        {"name": "Eastgate Primary Care Network", **date_fields("started_on", datetime.date(2025, 3, 1))},
    )
    assert response.status_code == 302
    joined = Membership.objects.get(organisation__name="Eastgate Primary Care Network", partnership=alliance)
    assert joined.started_on == datetime.date(2025, 3, 1)

    riverside = Membership.objects.get(organisation=alice.organisation, partnership=alliance)
    response = client.post(
        f"/manage/partnerships/{alliance.slug}/memberships/{riverside.pk}/end/",
        {**date_fields("ended_on", datetime.date(2026, 6, 30)), "reason": "Left the alliance"},
    )
    assert response.status_code == 302
    riverside.refresh_from_db()
    assert riverside.ended_on == datetime.date(2026, 6, 30)
    assert Signature.objects.get(partner=alice).status == Signature.Status.ENDED
    assert actions()[-3:] == ["organisation.created", "membership.started", "membership.ended"]


def test_an_organisation_already_a_member_cannot_join_twice(client, ada, alliance, riverside):
    client.force_login(ada)
    response = client.post(
        f"/manage/partnerships/{alliance.slug}/organisations/new/",
        {"name": "RIVERSIDE community health", **date_fields("started_on", datetime.date(2025, 3, 1))},
    )
    assert "Riverside Community Health is already a member of The Health Creation Alliance" in response.content.decode()


def test_a_membership_cannot_end_before_it_started(client, ada, alliance, riverside):
    membership = Membership.objects.get(organisation=riverside, partnership=alliance)
    client.force_login(ada)
    response = client.post(
        f"/manage/partnerships/{alliance.slug}/memberships/{membership.pk}/end/",
        {**date_fields("ended_on", datetime.date(2020, 1, 1)), "reason": "Never joined"},
    )
    assert "A membership cannot end before it started." in response.content.decode()
    membership.refresh_from_db()
    assert membership.ended_on is None


def test_the_programme_manager_adds_a_person_who_has_no_password_until_they_set_one(client, priya, alliance, riverside):
    client.force_login(priya)
    response = client.post(
        f"/manage/partnerships/{alliance.slug}/people/new/",
        {
            "name": "Dev  Shah",
            "email": "Dev.Shah@Example.org",
            "organisation": riverside.pk,
            "job_title": "Director",
            "roles": ["declarations_reviewer"],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="dev.shah@example.org")
    assert (user.first_name, user.last_name) == ("Dev", "Shah")
    assert not user.has_usable_password()
    assert Partner.objects.get(user=user).organisation == riverside
    assert PartnershipRole.objects.filter(user=user, partnership=alliance, role="declarations_reviewer").exists()
    assert actions()[-4:] == ["person.created", "partner.added", "role.granted", "invitation.sent"]
    assert all(entry.actor == priya for entry in AuditEntry.objects.all())


def test_one_person_in_two_partnerships_has_one_account(client, ada, alliance, coalition, alice):
    client.force_login(ada)
    client.post(
        f"/manage/partnerships/{coalition.slug}/people/new/",
        {"name": "Alice Adams", "email": "ALICE@example.org", "roles": ["panel_member"]},
    )
    assert User.objects.filter(email__iexact="alice@example.org").count() == 1
    assert PartnershipRole.objects.filter(user=alice.user, partnership=coalition, role="panel_member").exists()


def test_a_programme_manager_cannot_make_an_administrator(client, priya, alliance, alice):
    client.force_login(priya)
    response = client.post(
        f"/manage/partnerships/{alliance.slug}/people/{alice.pk}/",
        {"name": "Alice Adams", "job_title": "", "roles": ["administrator"]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PartnershipRole.objects.filter(user=alice.user).exists()


def test_a_programme_manager_manages_only_their_own_partnership(client, priya, coalition, charlie):
    client.force_login(priya)
    assert client.get(f"/manage/partnerships/{coalition.slug}/people/").status_code == 403
    assert client.get(f"/manage/partnerships/{coalition.slug}/people/{charlie.pk}/").status_code == 403


def test_a_person_of_another_partnership_is_not_found(client, priya, alliance, charlie):
    client.force_login(priya)
    assert client.get(f"/manage/partnerships/{alliance.slug}/people/{charlie.pk}/").status_code == 404


def test_roles_are_granted_and_revoked_from_the_person_page(client, priya, alliance, alice):
    client.force_login(priya)
    client.post(
        f"/manage/partnerships/{alliance.slug}/people/{alice.pk}/",
        {"name": "Alice Adams", "job_title": "Chief executive", "roles": ["chair", "panel_member"]},
    )
    assert set(PartnershipRole.objects.filter(user=alice.user).values_list("role", flat=True)) == {
        "chair",
        "panel_member",
    }
    client.post(
        f"/manage/partnerships/{alliance.slug}/people/{alice.pk}/",
        {"name": "Alice Adams", "job_title": "Chief executive", "roles": ["chair"]},
    )
    assert list(PartnershipRole.objects.filter(user=alice.user).values_list("role", flat=True)) == ["chair"]
    alice.refresh_from_db()
    assert alice.job_title == "Chief executive"
    assert actions()[-4:] == ["partner.updated", "role.granted", "role.granted", "role.revoked"]


def test_a_partnership_renames_a_role_as_its_code_names_it(client, ada, priya, alliance):
    client.force_login(ada)
    response = client.post(
        f"/manage/partnerships/{alliance.slug}/role-names/", {"programme_manager": "Partnership Manager"}
    )
    assert response.status_code == 302
    page = client.get(f"/manage/partnerships/{alliance.slug}/").content.decode()
    assert "Partnership Manager: Priya Patel" in page
    assert AuditEntry.objects.get(action="role_label.set").summary == (
        "Programme manager is called Partnership Manager in The Health Creation Alliance"
    )
    # An empty name goes back to the standard one.
    client.post(f"/manage/partnerships/{alliance.slug}/role-names/", {"programme_manager": ""})
    assert "Programme manager: Priya Patel" in client.get(f"/manage/partnerships/{alliance.slug}/").content.decode()


def test_the_public_register_names_the_programme_manager_as_the_partnership_does(client, ada, alliance):
    from conduct.services import role_labels_set

    role_labels_set(partnership=alliance, actor=ada, labels={"programme_manager": "Partnership Manager"})
    page = client.get(f"/declarations/public/{alliance.slug}/").content.decode()
    assert "as accepted by the Partnership Manager" in page and "programme manager" not in page


def test_the_people_list_searches_by_name_or_email(client, priya, alliance, alice, bob):
    client.force_login(priya)
    page = client.get(f"/manage/partnerships/{alliance.slug}/people/", {"q": "bob@"}).content.decode()
    assert "Bob Brown" in page and "Alice Adams" not in page


@pytest.mark.parametrize("kind", [k for k, _ in Partnership.Kind.choices])
def test_every_kind_of_partnership_is_allowed_by_the_database(ada, alliance, kind):
    services.partnership_create(actor=ada, name=f"A {kind}", kind=kind, code=alliance.code)
