"""The benchmark's seeding command and reference page work (at a small scale)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory

if not settings.CONDUCT_BENCHMARK:
    pytest.skip("the benchmark's app is installed only with CONDUCT_BENCHMARK=true", allow_module_level=True)

from bench.models import ReferenceRow
from bench.pages import benchmark_pages
from bench.views import reference
from conduct.models import CodeVersion, Organisation, Partner, Signature


def test_seeding_at_a_small_scale_makes_proportionate_data(db):
    call_command("seed_scale", scale=0.01)
    assert CodeVersion.objects.filter(code__slug__startswith="bench-code-").count() == 5
    assert CodeVersion.objects.filter(code__slug__startswith="bench-code-", status="published").count() == 1
    assert Organisation.objects.filter(slug__startswith="bench-").count() == 20
    assert Partner.objects.filter(user__username__startswith="bench-partner-").count() == 200
    assert Signature.objects.filter(version__code__slug__startswith="bench-code-").count() == 400
    assert ReferenceRow.objects.count() == 1000
    from declarations.models import Declaration, DeclarationEvent

    assert Declaration.objects.count() == 1000
    assert Declaration.objects.filter(status="accepted", accepted_revision__isnull=False).count() == 750
    assert DeclarationEvent.objects.count() >= 1800
    from breaches.models import BreachCase, CaseEvent

    assert BreachCase.objects.count() == 500
    assert BreachCase.objects.filter(status="closed").count() == 250
    assert CaseEvent.objects.count() >= 1200
    from meetings.models import ConflictHandling, Meeting

    assert Meeting.objects.count() == 2 and Meeting.objects.filter(status="published").count() == 1
    assert Meeting.objects.get(status="planned").attendees.count() == 31
    # The published meeting has conflicts to show, every one handled.
    assert ConflictHandling.objects.filter(item__meeting__status="published").exists()
    # Every seeded signature keeps the exact text of the version it signs.
    signature = (
        Signature.objects.filter(version__code__slug="bench-code-0").select_related("signed_text", "version").first()
    )
    assert signature.signed_text_intact and signature.text_sha256 == signature.version.canonical_sha256


def test_the_benchmarked_pages_answer_for_their_roles(client, db):
    call_command("seed_scale", scale=0.01)
    from conduct.models import User

    for name, path, username in benchmark_pages():
        if username:
            client.force_login(User.objects.get(username=username))
        else:
            client.logout()
        assert client.get(path).status_code == 200, name


def test_the_reference_page_renders_fifty_rows(db):
    call_command("seed_scale", scale=0.01)
    response = reference(RequestFactory().get("/bench/reference/", {"page": "3"}))
    assert response.status_code == 200
    assert response.content.decode().count("<tr><td>Row ") == 50


def test_the_import_benchmark_runs_at_a_small_size(db, seed_codes, ada):
    import io

    out = io.StringIO()
    call_command("bench_import_people", sizes="40", stdout=out)
    assert "40 people: imported in" in out.getvalue() and "(40 unchanged); peak memory grew by" in out.getvalue()


def test_the_code_import_benchmark_runs_at_a_small_size(db, seed_codes, ada):
    import io

    out = io.StringIO()
    call_command("bench_import_code", clauses=12, runs=1, stdout=out)
    assert "A 12-clause document" in out.getvalue() and "pasted and previewed in" in out.getvalue()


def test_the_annual_report_benchmark_runs_at_a_small_scale_and_leaves_the_data_as_it_was(db):
    import io

    from conduct.models import Partnership

    call_command("seed_scale", scale=0.01)
    partnerships = Partnership.objects.count()
    out = io.StringIO()
    call_command("bench_annual_report", runs=1, stdout=out)
    assert "as a page: median" in out.getvalue() and "as a PDF: median" in out.getvalue()
    assert "200 partners" in out.getvalue()
    assert Partnership.objects.count() == partnerships
