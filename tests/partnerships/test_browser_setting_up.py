"""In Chromium: an administrator creates a partnership, adds its organisations, imports 50
people from an Excel file with two bad rows, puts them right and imports; then sets the
partnership's policies. Each page passes axe."""

import openpyxl
import pytest
from playwright.sync_api import expect

from conduct.models import Partner, Partnership
from tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["Organisation", "Name", "Email", "Job title", "Roles", "Start date"]


def workbook(path, rows) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def fifty_people(*, bad: bool) -> list[list]:
    rows = []
    for i in range(50):
        organisation = "Riverside Community Health" if i % 2 else "Northfield Wellbeing Trust"
        rows.append([organisation, f"Person {i:02d}", f"person{i:02d}@example.org", "Officer", "", "2025-03-01"])
    if bad:
        rows[9][0] = "Nowhere Trust"
        rows[29][2] = "person09@example.org"
    return rows


def test_an_administrator_sets_up_a_partnership_and_imports_fifty_people(
    page, live_server, static_built, seed_codes, ada, tmp_path
):
    log_in(page, live_server, "ada")
    page.get_by_role("link", name="Partnerships").click()
    page.get_by_role("link", name="Create a partnership").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Riverside Integrated Care Board")
    page.get_by_label("Integrated care partnership or board").check()
    page.get_by_label("Code of conduct it adopts").select_option(label="The Health Creation Alliance Code of Conduct")
    page.get_by_role("button", name="Create the partnership").click()
    expect(page.get_by_role("heading", name="Riverside Integrated Care Board")).to_be_visible()
    assert_accessible(page)

    for name in ["Riverside Community Health", "Northfield Wellbeing Trust"]:
        page.get_by_role("link", name="Add an organisation").click()
        page.get_by_label("Organisation").fill(name)
        page.get_by_label("Day").fill("1")
        page.get_by_label("Month").fill("1")
        page.get_by_label("Year").fill("2025")
        page.get_by_role("button", name="Add the organisation").click()
        expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()

    page.get_by_role("link", name="People of Riverside Integrated Care Board").click()
    page.get_by_role("link", name="Import a list of people").click()
    assert_accessible(page)
    page.get_by_label("Upload a list of people").set_input_files(
        workbook(tmp_path / "people.xlsx", fifty_people(bad=True))
    )
    page.get_by_role("button", name="Check the list").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Row 11: organisation “Nowhere Trust” is not a member")
    expect(summary).to_contain_text("Row 31: email person09@example.org is also on row 11")
    assert_accessible(page)
    assert not Partner.objects.exists()

    page.get_by_role("link", name="Upload another file").click()
    page.get_by_label("Upload a list of people").set_input_files(
        workbook(tmp_path / "people-fixed.xlsx", fifty_people(bad=False))
    )
    page.get_by_role("button", name="Check the list").click()
    expect(page.get_by_text("People to create")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 50 people").click()
    expect(page.get_by_text("50 people created, 0 updated and 0 unchanged.")).to_be_visible()
    partnership = Partnership.objects.get(name="Riverside Integrated Care Board")
    assert Partner.objects.filter(organisation__memberships__partnership=partnership).count() == 50

    page.goto(f"{live_server.url}/manage/partnerships/{partnership.slug}/policies/")
    assert_accessible(page)
    page.get_by_label("Gift threshold (£)").fill("500000")
    page.get_by_role("button", name="Save the policies").click()
    expect(page.get_by_role("alert")).to_contain_text("Gift threshold (£) must be 10,000 or less")
    assert_accessible(page)
    page.get_by_label("Gift threshold (£)").fill("40")  # the default is NHS England's £50
    page.get_by_role("button", name="Save the policies").click()
    expect(page.get_by_text("The policies are saved.")).to_be_visible()
