"""What an administrator changes in the Django admin goes through the same rules as the app."""

import re
from unittest.mock import patch

import pytest

from conduct import services
from conduct.code_import import read_code
from conduct.models import AuditEntry, Code, Membership, Partnership, PartnershipRole, User

from .code_documents import TWO_LEVEL

pytestmark = pytest.mark.django_db

ADD_USER = "/admin/conduct/user/add/"


def add_user(client, username: str, email: str):
    return client.post(
        ADD_USER,
        {
            "username": username,
            "email": email,
            "usable_password": "true",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
        },
    )


def test_adding_a_user_asks_for_their_email(client, ada):
    client.force_login(ada)
    assert 'name="email"' in client.get(ADD_USER).content.decode()

    for username in ("erin", "frank"):
        response = add_user(client, username, "")
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
    assert not User.objects.filter(username__in=["erin", "frank"]).exists()

    assert add_user(client, "erin", "erin@example.org").status_code == 302
    assert User.objects.get(username="erin").email == "erin@example.org"


def test_adding_a_user_with_an_email_already_in_use_is_refused(client, ada, alice):
    client.force_login(ada)
    response = add_user(client, "erin", alice.user.email)
    assert response.status_code == 200
    assert "User with this Email address already exists." in response.content.decode()
    assert not User.objects.filter(username="erin").exists()


def form_data(response) -> dict:
    """What the admin's change page would post back unchanged: its form and its inlines."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.management_form.prefix
        data.update({f"{prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        forms += list(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None:
                continue
            data[form.add_prefix(name)] = field.widget.format_value(value) if hasattr(value, "isoformat") else value
    return data


def test_a_membership_cannot_be_ended_in_the_admin(client, ada, riverside, alliance):
    membership = Membership.objects.get(organisation=riverside, partnership=alliance)
    client.force_login(ada)
    url = f"/admin/conduct/organisation/{riverside.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "memberships-0-ended_on" not in page.content.decode()

    data = form_data(page) | {"memberships-0-id": membership.pk, "memberships-0-ended_on": "2026-01-01"}
    client.post(url, data)
    membership.refresh_from_db()
    assert membership.ended_on is None


def test_a_draft_saved_in_the_admin_goes_through_the_drafting_service(client, ada, seed_codes):
    draft = services.code_version_start_draft(code=Code.objects.get(slug="health-creation-alliance"), actor=ada)
    client.force_login(ada)
    url = f"/admin/conduct/codeversion/{draft.pk}/change/"
    data = form_data(client.get(url)) | {"title": "A clearer title"}

    with patch.object(services, "code_version_edit_draft", wraps=services.code_version_edit_draft) as edit:
        response = client.post(url, data)

    assert response.status_code == 302
    edit.assert_called_once()
    assert edit.call_args.kwargs["title"] == "A clearer title" and edit.call_args.kwargs["actor"] == ada
    draft.refresh_from_db()
    assert draft.title == "A clearer title"
    assert AuditEntry.objects.filter(action="version.draft_edited", subject_id=str(draft.pk), actor=ada).count() == 1


def test_a_version_published_meanwhile_is_not_changed_by_the_admin(client, ada, seed_codes):
    draft = services.code_version_start_draft(code=Code.objects.get(slug="health-creation-alliance"), actor=ada)
    client.force_login(ada)
    url = f"/admin/conduct/codeversion/{draft.pk}/change/"
    data = form_data(client.get(url)) | {"title": "A clearer title"}
    services.code_version_publish(version=draft, actor=ada)

    assert client.post(url, data).status_code == 403
    draft.refresh_from_db()
    assert draft.title != "A clearer title"


def test_the_admin_shows_a_sections_items_in_the_one_tree_with_their_numbers_and_edits_none(client, ada, seed_codes):
    board = Partnership.objects.create(
        name="Riverside Health Partnership Board", slug="riverside-board", kind="other", code=Code.objects.first()
    )
    code = services.code_create(title="Riverside Members' Code", partnership=board, actor=ada)
    draft = services.code_draft_import(code=code, proposal=read_code(TWO_LEVEL), actor=ada, source="test")
    section = draft.sections.get(heading="4. Conflicts of interest")
    client.force_login(ada)

    html = client.get(f"/admin/conduct/section/{section.pk}/change/").content.decode()

    numbers = re.findall(r'<td class="field-number">\s*<p>([^<]*)</p>', html)
    assert numbers == ["4.1", "4.2", "(a)", "(b)", "4.3", "4.4"]
    # Items change in the app, whose item form goes through the services and the audit log.
    assert 'name="items-0-text"' not in html and 'name="items-0-kind"' not in html
    assert f'href="/manage/codes/{code.slug}/versions/{draft.number}/edit/"' in html


def test_roles_and_partner_records_are_shown_in_the_admin_but_changed_only_in_the_app(client, ada, alice, alliance):
    # Granting a role in the app asks a decision-maker to declare and writes the audit log;
    # a role or partner record typed into the admin would do neither.
    role = PartnershipRole.objects.create(user=alice.user, partnership=alliance, role=PartnershipRole.Role.CHAIR)
    client.force_login(ada)

    assert client.get("/admin/conduct/partnershiprole/").status_code == 200
    assert client.get("/admin/conduct/partnershiprole/add/").status_code == 403
    client.post(f"/admin/conduct/partnershiprole/{role.pk}/delete/", {"post": "yes"})
    assert PartnershipRole.objects.filter(pk=role.pk).exists()
    page = client.get(f"/admin/conduct/partnershiprole/{role.pk}/change/").content.decode()
    assert 'name="role"' not in page

    assert client.get("/admin/conduct/partner/add/").status_code == 403
    client.post(f"/admin/conduct/partner/{alice.pk}/change/", {"job_title": "Changed in the admin"})
    alice.refresh_from_db()
    assert alice.job_title != "Changed in the admin"
