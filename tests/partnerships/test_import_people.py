"""Importing people from CSV or Excel: every row checked first, nothing written while any row is bad,
and the same file twice changes nothing. riverside and northfield are members of the alliance."""

import gc
import io
from unittest import mock

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import CommandError, call_command

from accounts.models import Invitation
from conduct.models import AuditEntry, Partner, PartnershipRole, User
from partnerships.people_import import ImportFileError, check_file, read_table
from tests.page_titles import page_title

GOOD = (
    "Email,Name,Organisation,Job title,Roles,Start date,End date\n"
    "dev@example.org,Dev Shah,Riverside Community Health,Director,Panel member;chair,2025-03-01,\n"
    "eve@example.org,Eve Evans,northfield wellbeing trust,,,01/03/2025,\n"
)


@pytest.fixture
def members(alliance, riverside, northfield):
    return alliance


def write(tmp_path, text: str, name: str = "people.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path, *extra):
    out = io.StringIO()
    call_command("import_people", path, "--partnership", "health-creation-alliance", *extra, stdout=out)
    return out.getvalue()


def test_a_csv_imports_people_with_their_roles_and_invites_them(tmp_path, members, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = run(write(tmp_path, GOOD))
    assert "Imported 2 people into The Health Creation Alliance: 2 created, 0 updated, 0 unchanged." in out
    dev = User.objects.get(email="dev@example.org")
    assert dev.display_name == "Dev Shah" and not dev.has_usable_password()
    assert Partner.objects.get(user=dev).job_title == "Director"
    assert set(PartnershipRole.objects.filter(user=dev).values_list("role", flat=True)) == {"panel_member", "chair"}
    assert Invitation.objects.count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["dev@example.org", "eve@example.org"]
    assert "2 people created" in AuditEntry.objects.get(action="people.imported").summary


def test_the_same_file_twice_changes_nothing(tmp_path, members):
    path = write(tmp_path, GOOD)
    run(path)
    entries = AuditEntry.objects.count()
    assert "0 created, 0 updated, 2 unchanged" in run(path)
    assert User.objects.filter(email__in=["dev@example.org", "eve@example.org"]).count() == 2
    assert AuditEntry.objects.count() == entries
    assert Invitation.objects.count() == 2


def test_a_changed_row_updates_the_person(tmp_path, members):
    run(write(tmp_path, GOOD))
    assert "0 created, 1 updated, 1 unchanged" in run(write(tmp_path, GOOD.replace("Director", "Chief executive")))
    assert Partner.objects.get(user__email="dev@example.org").job_title == "Chief executive"


def test_a_dry_run_counts_and_writes_nothing(tmp_path, members):
    assert "Would import 2 people" in run(write(tmp_path, GOOD), "--dry-run")
    assert not User.objects.filter(email="dev@example.org").exists()
    assert not AuditEntry.objects.filter(action="people.imported").exists()


def test_bad_rows_are_listed_by_number_and_nothing_is_imported(tmp_path, members):
    bad = GOOD + (
        "dev@example.org,Dev Again,Riverside Community Health,,,2025-03-01,\n"
        "fay@example.org,Fay Fox,Nowhere Trust,,,2025-03-01,\n"
        "gus@example.org,Gus Grey,Riverside Community Health,,,2025-03-01,2024-01-01\n"
        'hal@example.org,=HYPERLINK("http://x"),Riverside Community Health,,,2025-03-01,\n'
        "not-an-email,Ivy Ink,Riverside Community Health,,Treasurer,March 2025,\n"
    )
    with pytest.raises(CommandError) as raised:
        run(write(tmp_path, bad))
    message = str(raised.value)
    assert "Row 4: email dev@example.org is also on row 2" in message
    assert "Row 5: organisation “Nowhere Trust” is not a member of The Health Creation Alliance" in message
    assert "Row 6: end_date is before start_date" in message
    assert "Row 7: name starts with “=”, which a spreadsheet would run as a formula" in message
    assert "Row 8: email “not-an-email” is not an email address" in message
    assert "Row 8: role “Treasurer” is not one of the partnership's roles" in message
    assert "Row 8: start_date “March 2025” must be a date like 2025-03-01 or 01/03/2025" in message
    assert not User.objects.filter(email="eve@example.org").exists()


def test_a_partnerships_own_name_for_a_role_is_understood(tmp_path, members, ada):
    from conduct.services import role_labels_set

    role_labels_set(partnership=members, actor=ada, labels={"programme_manager": "Partnership Manager"})
    run(write(tmp_path, GOOD.replace("Panel member;chair", "partnership manager")))
    assert PartnershipRole.objects.filter(user__email="dev@example.org", role="programme_manager").exists()


def test_an_hr_systems_export_with_its_own_headers_dates_and_partner_role_imports(tmp_path, members):
    """Columns in another order and case, both ways of writing a date, and "Partner" among the roles:
    everyone listed is a partner of their organisation, so that role asks for nothing more."""
    path = write(
        tmp_path,
        "START_DATE,ROLES,EMAIL,organisation,NAME,JOB_TITLE\n"
        "01/03/2025,Partner; Chair,dev@example.org,Riverside Community Health,Dev Shah,Director\n"
        "2025-03-01,partners,eve@example.org,Northfield Wellbeing Trust,Eve Evans,\n",
    )
    assert "2 created" in run(path)
    dev = Partner.objects.get(user__email="dev@example.org")
    assert dev.organisation.name == "Riverside Community Health" and dev.job_title == "Director"
    assert list(PartnershipRole.objects.filter(user=dev.user).values_list("role", flat=True)) == ["chair"]
    assert not PartnershipRole.objects.filter(user__email="eve@example.org").exists()
    assert "0 created, 0 updated, 2 unchanged" in run(path)


def test_one_person_imported_into_two_partnerships_has_one_account(tmp_path, members, coalition, riverside):
    import datetime

    from conduct.models import Membership

    Membership.objects.create(organisation=riverside, partnership=coalition, started_on=datetime.date(2024, 1, 1))
    path = write(tmp_path, GOOD.splitlines()[0] + "\n" + GOOD.splitlines()[1] + "\n")
    run(path)
    out = io.StringIO()
    call_command("import_people", path, "--partnership", coalition.slug, stdout=out)
    assert "0 created, 1 updated, 0 unchanged" in out.getvalue()
    dev = User.objects.get(email="dev@example.org")
    assert Partner.objects.filter(user=dev).count() == 1 and Invitation.objects.filter(user=dev).count() == 1
    assert set(PartnershipRole.objects.filter(user=dev).values_list("partnership__slug", "role")) == {
        (members.slug, "panel_member"),
        (members.slug, "chair"),
        (coalition.slug, "panel_member"),
        (coalition.slug, "chair"),
    }


def test_an_excel_workbook_imports_the_same_way(tmp_path, members):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    assert "2 created" in run(str(path))


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("people.csv", b"", "The file is empty"),
        ("people.csv", b"email,name\nx@example.org,X\n", "The file has no column called organisation, start_date"),
        ("people.xlsx", b"this is not a workbook", "The file is not an Excel workbook (.xlsx) that can be read"),
        ("people.pdf", b"%PDF-1.4", "The file must be a CSV or an Excel workbook (.xlsx)"),
        ("people.csv", b"\xff\xfe\x00bad", "The file must be a CSV saved as UTF-8"),
        ("people.csv", b"x" * (50 * 1024 * 1024), "The file must be smaller than 10 MB"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(name, content, message):
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        read_table(name=name, file=io.BytesIO(content))


def test_a_header_without_people_is_a_problem(members):
    check = check_file(partnership=members, name="people.csv", file=io.BytesIO(GOOD.splitlines()[0].encode()))
    assert check.problems == [(1, "The file has a header but no people")]


def test_someone_who_is_a_partner_elsewhere_stops_the_import(tmp_path, members, charlie):
    with pytest.raises(CommandError, match="Row 2: charlie@example.org is already a partner at Southside Carers"):
        run(write(tmp_path, GOOD.replace("dev@example.org", "charlie@example.org")))
    assert not User.objects.filter(email="eve@example.org").exists()


def upload(client, members, text: str, name: str = "people.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/manage/partnerships/{members.slug}/people/import/",
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def test_an_administrator_previews_the_list_then_confirms_it(client, ada, members, django_capture_on_commit_callbacks):
    client.force_login(ada)
    response = upload(client, members, GOOD)
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "People to create" in preview and "Import 2 people" in preview
    assert not User.objects.filter(email="dev@example.org").exists()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(response["Location"])
    assert confirmed.status_code == 302
    assert User.objects.filter(email__in=["dev@example.org", "eve@example.org"]).count() == 2
    assert len(mail.outbox) == 2
    # The same preview cannot be confirmed twice.
    assert client.post(response["Location"]).status_code == 404


def test_the_preview_lists_each_bad_row_in_an_error_summary_and_offers_no_import(client, ada, members):
    client.force_login(ada)
    response = upload(client, members, GOOD + "fay@example.org,Fay Fox,Nowhere Trust,,,2025-03-01,\n")
    preview = client.get(response["Location"]).content.decode()
    assert "govuk-error-summary" in preview
    assert "Row 4: organisation “Nowhere Trust” is not a member of The Health Creation Alliance" in preview
    assert "Import 2 people" not in preview


def test_a_file_that_cannot_be_read_is_an_error_next_to_the_upload(client, ada, members):
    client.force_login(ada)
    response = upload(client, members, "email,name\nx@example.org,X\n")
    assert response.status_code == 200
    assert "The file has no column called organisation, start_date" in response.content.decode()


def test_a_programme_manager_does_not_import(client, priya, members):
    client.force_login(priya)
    assert client.get(f"/manage/partnerships/{members.slug}/people/import/").status_code == 403


def test_a_full_list_ends_the_people_missing_from_it_after_naming_them(tmp_path, members, alice, bob):
    from conduct import services
    from conduct.models import Signature

    version = members.code.versions.get(status="published")
    services.signature_record(partner=bob, version=version, typed_name="Bob Brown")
    listed = GOOD + "alice@example.org,Alice Adams,Riverside Community Health,,,2024-01-01,\n"
    path = write(tmp_path, listed)
    out = run(path, "--full-list", "--dry-run")
    assert "Would end 1: Bob Brown (Northfield Wellbeing Trust)" in out
    assert User.objects.get(pk=bob.user_id).is_active
    out = run(path, "--full-list")
    assert "Ended 1: Bob Brown (Northfield Wellbeing Trust)" in out
    assert not User.objects.get(pk=bob.user_id).is_active
    assert User.objects.get(pk=alice.user_id).is_active
    assert Signature.objects.get(partner=bob).status == Signature.Status.ENDED
    assert AuditEntry.objects.filter(action="partner.left", subject_id=str(bob.pk)).exists()
    # Importing the full list again ends nobody twice.
    assert "Ended" not in run(path, "--full-list")


def test_a_list_that_is_not_full_ends_nobody_missing_from_it(tmp_path, members, bob):
    assert "Ended" not in run(write(tmp_path, GOOD))
    assert User.objects.get(pk=bob.user_id).is_active


def test_a_row_whose_end_date_has_come_ends_that_person(tmp_path, members, bob):
    ended = GOOD + "bob@example.org,Bob Brown,Northfield Wellbeing Trust,,,2024-01-01,2025-06-30\n"
    assert "Ended 1: Bob Brown (Northfield Wellbeing Trust)" in run(write(tmp_path, ended))
    assert not User.objects.get(pk=bob.user_id).is_active


def test_the_preview_of_a_full_list_names_who_will_leave(client, ada, members, bob):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ada)
    response = client.post(
        f"/manage/partnerships/{members.slug}/people/import/",
        {"file": SimpleUploadedFile("people.csv", GOOD.encode(), content_type="text/csv"), "full_list": "on"},
    )
    preview = client.get(response["Location"]).content.decode()
    assert "Bob Brown (Northfield Wellbeing Trust)" in preview and "and end 1" in preview
    assert User.objects.get(pk=bob.user_id).is_active
    client.post(response["Location"])
    assert not User.objects.get(pk=bob.user_id).is_active


def test_a_suspended_organisations_partner_is_not_made_a_panel_member_by_import(tmp_path, members, riverside):
    import datetime

    from conduct.services import suspension_start

    suspension_start(
        partnership=members,
        organisation=riverside,
        ends_on=datetime.date.today() + datetime.timedelta(days=30),
        reason="Suspended by the decision on breach case BC-00001.",
        actor=None,
    )
    with pytest.raises(
        CommandError, match="Row 2: Dev Shah cannot be made a panel member .* while Riverside Community Health is"
    ):
        run(write(tmp_path, GOOD))
    assert not User.objects.filter(email="dev@example.org").exists()


def test_a_person_whose_account_has_their_email_in_capitals_is_matched_not_made_twice(tmp_path, members, riverside):
    known = User.objects.create_user(username="dev", email="Dev@Example.org", first_name="Dev", last_name="Shah")
    Partner.objects.create(user=known, organisation=riverside, job_title="Director")
    out = run(write(tmp_path, GOOD))
    assert "1 created, 1 updated, 0 unchanged" in out
    assert User.objects.filter(email__iexact="dev@example.org").get() == known
    assert set(PartnershipRole.objects.filter(user=known).values_list("role", flat=True)) == {"panel_member", "chair"}
    assert "0 created, 0 updated, 2 unchanged" in run(write(tmp_path, GOOD))


def test_a_50_mb_upload_is_an_error_by_the_file_field_and_nothing_is_kept(client, ada, members):
    """Larger than the import takes but within what the import page reads to disk: the form again,
    with its error summary and the message by the field, not the generic page for large requests."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from partnerships.models import PeopleUpload

    client.force_login(ada)
    big = GOOD.encode() + b"x" * (50 * 1024 * 1024)
    with mock.patch.object(
        TemporaryFileUploadHandler, "new_file", autospec=True, side_effect=TemporaryFileUploadHandler.new_file
    ) as to_disk:
        response = client.post(
            f"/manage/partnerships/{members.slug}/people/import/",
            {"file": SimpleUploadedFile("people.csv", big, content_type="text/csv")},
        )
    assert to_disk.called, "the file should go to a temporary file, not memory"
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_file"' in page
    assert page.count("The file must be smaller than 10 MB") == 2  # in the summary and by the field
    assert page_title(page) == f"Error: Import people into {members.name} – Conduct"  # "Error: " once
    assert not PeopleUpload.objects.exists()
    assert not User.objects.filter(email="dev@example.org").exists()


@pytest.mark.parametrize("signed_in, megabytes", [(True, 500), (False, 50)], ids=["larger than it reads", "signed out"])
def test_an_upload_the_import_page_does_not_read_is_refused_before_it_is_read(
    client, ada, members, signed_in, megabytes
):
    from tests.security.test_request_size import UnreadableBody

    if signed_in:
        client.force_login(ada)
    response = client.post(
        f"/manage/partnerships/{members.slug}/people/import/",
        content_type="multipart/form-data; boundary=x",
        **{"CONTENT_LENGTH": str(megabytes * 1024 * 1024), "wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413


def test_a_50_mb_file_on_the_command_line_is_refused_without_reading_it(tmp_path, members):
    path = tmp_path / "people.csv"
    with open(path, "wb") as file:
        file.write(GOOD.encode())
        file.truncate(50 * 1024 * 1024)
    with pytest.raises(CommandError, match="the file must be smaller than 10 MB") as raised:
        run(str(path))
    assert "Nothing was imported" in str(raised.value) and raised.value.returncode == 1
    assert not User.objects.filter(email="dev@example.org").exists()


def long_list(count: int, *, extra: str = "") -> str:
    rows = [GOOD.splitlines()[0]]
    rows += [f"person{i}@example.org,Person {i},Riverside Community Health,Officer,,2025-03-01," for i in range(count)]
    return "\n".join(rows) + "\n" + extra


def test_a_list_longer_than_a_chunk_is_imported_whole_and_each_new_person_invited_once(
    client, ada, members, django_capture_on_commit_callbacks
):
    client.force_login(ada)
    response = upload(client, members, long_list(2500))
    preview = client.get(response["Location"]).content.decode()
    assert "Import 2500 people" in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    assert User.objects.filter(email__startswith="person").count() == 2500
    assert Invitation.objects.count() == 2500
    assert Invitation.objects.values("user").distinct().count() == 2500
    assert "2500 people created" in AuditEntry.objects.get(action="people.imported").summary


def test_an_email_listed_again_far_down_the_list_is_found_with_its_first_row(client, ada, members):
    client.force_login(ada)
    response = upload(
        client, members, long_list(2500, extra="person3@example.org,Again,Riverside Community Health,,,2025-03-01,\n")
    )
    preview = client.get(response["Location"]).content.decode()
    assert "Row 2502: email person3@example.org is also on row 5" in preview
    assert "Import 2500 people" not in preview


def test_a_bad_byte_at_the_end_of_a_csv_is_found_before_any_row_is_read():
    content = long_list(100).encode() + b"\xff\n"
    with pytest.raises(ImportFileError, match="The file must be a CSV saved as UTF-8"):
        read_table(name="people.csv", file=io.BytesIO(content))


def test_a_list_that_changed_between_its_check_and_its_import_imports_nothing(members):
    """The import reads the file again rather than keep every row from the check: a row that is
    bad by then stops it all."""
    from conduct.services import ConductError
    from partnerships import services

    check = check_file(partnership=members, name="people.csv", file=io.BytesIO(long_list(1500).encode()))
    assert check.is_valid and check.people == 1500
    check.file = io.BytesIO(long_list(1500).replace("person1499@", "person0@").encode())
    with pytest.raises(ConductError, match="Row 1501: email person0@example.org is also on row 2"):
        services.people_import(actor=None, partnership=members, check=check, source="people.csv")
    assert not User.objects.filter(email__startswith="person").exists()
    assert not Invitation.objects.exists()


def test_a_decision_maker_imported_is_asked_to_declare_on_appointment_once(
    tmp_path, members, django_capture_on_commit_callbacks
):
    path = write(
        tmp_path,
        "Email,Name,Organisation,Job title,Roles,Start date,End date\n"
        "dev@example.org,Dev Shah,Riverside Community Health,Director,Decision-making staff,2025-03-01,\n",
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            run(path)
    asked = [message.to for message in mail.outbox if "you are a decision-maker" in message.subject]
    assert asked == [["dev@example.org"]]


@pytest.mark.parametrize("again", [False, True], ids=["new people", "the same people again"])
def test_an_import_leaves_nothing_for_the_garbage_collector_to_free(members, again):
    """Each chunk of a list is freed as soon as it is written. An account and its partner record
    that point at each other would be freed only when the collector next runs, so memory would
    grow with the list: with the collector off, an import of 2,500 people leaves no cycles."""
    from partnerships import services

    content = long_list(2500).encode()
    if again:
        services.people_import(
            actor=None,
            partnership=members,
            check=check_file(partnership=members, name="people.csv", file=io.BytesIO(content)),
            source="people.csv",
        )
    gc.collect()
    gc.disable()
    try:
        check = check_file(partnership=members, name="people.csv", file=io.BytesIO(content))
        services.people_import(actor=None, partnership=members, check=check, source="people.csv")
        left_for_the_collector = gc.collect()
    finally:
        gc.enable()
    assert left_for_the_collector < 200


NEW_ORGANISATION = GOOD + (
    "fay@example.org,Fay Fox,Nowhere  Trust,,,2025-06-01,\ngus@example.org,Gus Grey,nowhere trust,,,2025-02-01,\n"
)


def test_organisations_not_yet_members_join_when_asked_and_are_row_errors_otherwise(tmp_path, members):
    from conduct.models import Membership

    path = write(tmp_path, NEW_ORGANISATION)
    with pytest.raises(CommandError) as raised:
        run(path)
    assert "Row 4: organisation “Nowhere  Trust” is not a member of The Health Creation Alliance" in str(raised.value)
    assert not Membership.objects.filter(organisation__name__iexact="Nowhere Trust").exists()

    assert "Would add 1 organisations: Nowhere Trust" in run(path, "--add-organisations", "--dry-run")
    assert not Membership.objects.filter(organisation__name__iexact="Nowhere Trust").exists()

    out = run(path, "--add-organisations")
    assert "Imported 4 people" in out and "Added 1 organisations: Nowhere Trust" in out
    joined = Membership.objects.get(organisation__name="Nowhere Trust", partnership=members)
    # From the earliest start of the people listed in it; written as the first row wrote it.
    assert joined.started_on.isoformat() == "2025-02-01" and joined.ended_on is None
    assert set(Partner.objects.filter(organisation=joined.organisation).values_list("user__email", flat=True)) == {
        "fay@example.org",
        "gus@example.org",
    }
    assert AuditEntry.objects.filter(action="membership.started", subject_id=str(joined.pk)).exists()
    # Now a member: the same file again adds nothing and changes nothing.
    again = run(path, "--add-organisations")
    assert "0 created, 0 updated, 4 unchanged" in again and "Added" not in again


def test_the_preview_names_the_organisations_that_join_before_anything_is_written(client, ada, members):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conduct.models import Membership, Organisation

    client.force_login(ada)
    response = client.post(
        f"/manage/partnerships/{members.slug}/people/import/",
        {
            "file": SimpleUploadedFile("people.csv", NEW_ORGANISATION.encode(), content_type="text/csv"),
            "adds_organisations": "on",
        },
    )
    preview = client.get(response["Location"]).content.decode()
    assert "Organisations that join" in preview and "1: Nowhere Trust" in preview and "Import 4 people" in preview
    assert not Organisation.objects.filter(name="Nowhere Trust").exists()

    client.post(response["Location"])
    assert Membership.objects.filter(organisation__name="Nowhere Trust", partnership=members).exists()
    assert User.objects.filter(email__in=["fay@example.org", "gus@example.org"]).count() == 2
