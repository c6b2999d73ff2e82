"""A programme manager's insight by keyboard alone, with JavaScript on (axe-core clean on
every page) and off: from who has signed to the signatures as charts, on to the partners
still to sign, then the reports and the annual report downloaded as a PDF. Every page
with a chart is clean under axe-core and reflows at 320 CSS pixels."""

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from conduct import services
from conduct.models import CodeVersion
from tests.breaches.conftest import decide, fresh, report, respond, triage
from tests.breaches.test_browser_keyboard import follow
from tests.breaches.test_published_register import publish
from tests.browser import assert_accessible, assert_focus_visible, assert_reflows, log_in, log_in_by_keyboard
from tests.declarations.conftest import declare

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_programme_manager_follows_the_signature_chart_to_the_outstanding_partners_and_downloads_the_annual_report(
    page_with_or_without_javascript, javascript, live_server, static_built, alice, bob, priya
):
    page = page_with_or_without_javascript
    check = assert_accessible if javascript else assert_focus_visible
    version = CodeVersion.objects.get(code__slug="health-creation-alliance", number=2)
    services.signature_record(partner=alice, version=version, typed_name="Alice Adams")
    for _ in range(3):
        declare(alice, arose_on=timezone.localdate())
    declare(bob, arose_on=timezone.localdate())
    year = timezone.localdate().year

    log_in_by_keyboard(page, live_server, "priya")
    check(page)
    follow(page, page.get_by_role("link", name="Who has signed The Health Creation Alliance"))
    expect(page.get_by_role("heading", name="Who has signed")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("link", name="See these figures as charts"))
    expect(page.get_by_role("heading", name="Signatures as charts")).to_be_visible()
    expect(page.locator("#chart-summary")).to_contain_text("1 of 2 partners have signed (50%)")
    expect(page.get_by_role("img", name=re.compile("^Share of each organisation"))).to_be_visible()
    check(page)

    follow(page, page.get_by_role("link", name="See the 1 partner who has not signed"))
    expect(page.get_by_role("heading", name="Who has signed")).to_be_visible()
    assert "status=outstanding" in page.url
    table = page.get_by_role("table")
    expect(table).to_contain_text("Bob Brown")
    expect(table).not_to_contain_text("Alice Adams")
    check(page)

    follow(page, page.get_by_role("link", name="Reports", exact=True))
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("link", name=re.compile(r"^Figures as charts\W+The Health Creation Alliance$")))
    expect(page.get_by_role("heading", name="Figures as charts")).to_be_visible()
    check(page)
    follow(page, page.get_by_role("link", name=f"Annual report {year}"))
    expect(page.get_by_role("heading", name=f"Annual report {year}")).to_be_visible()
    expect(page.locator("#declarations-count")).to_have_text("4")
    expect(page.locator("#signed")).to_contain_text("1 of 2 (50%)")
    check(page)

    with page.expect_download() as download_info:
        follow(page, page.get_by_role("link", name="Download this report as a PDF"))
    download = download_info.value
    assert download.suggested_filename == f"annual-report-health-creation-alliance-{year}.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(pdf_page.extract_text() for pdf_page in PdfReader(io.BytesIO(content)).pages)
    assert re.search(rf"Declarations made in {year}\s+4\b", text), text
    assert re.search(r"1 of 2 \(50%\)", text), text
    assert "Alice" not in text and "Bob" not in text


def test_every_page_with_a_chart_is_accessible_and_reflows_at_320_pixels(
    page, live_server, static_built, people, alice, bob
):
    version = CodeVersion.objects.get(code__slug="health-creation-alliance", number=2)
    services.signature_record(partner=alice, version=version, typed_name="Alice Adams")
    declare(alice, arose_on=timezone.localdate())
    published = triage(report(reporter=people["alice"]), people["priya"])
    respond(published, people["bob"])
    publish(fresh(decide(published, people["priya"], outcome="resolved_informally")), people["priya"])
    # About another organisation, so that it is not a continued breach (the formal track).
    to_publish = triage(report(reporter=people["bob"], about=alice.organisation), people["priya"])
    respond(to_publish, people["alice"])
    decide(to_publish, people["priya"], outcome="not_upheld")

    log_in(page, live_server, "priya")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    year = timezone.localdate().year
    for path in (
        reverse("conduct:signature-chart", args=["health-creation-alliance", 2]),
        reverse("reports:insight", args=["health-creation-alliance"]),
        reverse("reports:annual-report", args=["health-creation-alliance", year]),
        reverse("conduct:review-calendar"),
        reverse("breaches:public-register", args=["health-creation-alliance"]),
        reverse("breaches:case-publish", args=[to_publish.pk]),
    ):
        page.set_viewport_size({"width": 1280, "height": 800})
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert_accessible(page)
        assert_reflows(page)
        assert_accessible(page)
