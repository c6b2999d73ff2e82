from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from govuk.pdf import pdf_response

from . import charts, selectors

# The first year anyone could have used Conduct: earlier reports would be empty pages.
FIRST_YEAR = 2020


def _partnership(request, slug: str):
    partnerships = selectors.reportable_partnerships(request.user)
    # The partnership asked for first: whether the user may see any is only asked when it is not found.
    partnership = partnerships.select_related("breach_policy").filter(slug=slug).first()
    if partnership is None:
        if not partnerships.exists():
            raise PermissionDenied("Only programme managers and administrators see a partnership's reports.")
        raise Http404("No such partnership")
    return partnership


@login_required
def index(request):
    partnerships = list(selectors.reportable_partnerships(request.user))
    if not partnerships:
        raise PermissionDenied("Only programme managers and administrators see a partnership's reports.")
    year = timezone.localdate().year
    return render(request, "reports/index.html", {"partnerships": partnerships, "years": [year, year - 1]})


@login_required
def insight(request, slug):
    partnership = _partnership(request, slug)
    today = timezone.localdate()
    months = selectors.months_ending(today)
    declarations = selectors.declarations_by_month(partnership, months)
    confirmations = selectors.annual_confirmations(partnership)
    cases = selectors.cases_by_month(partnership, months)
    timeliness = selectors.case_timeliness(partnership, start=months[0], end=today)
    return render(
        request,
        "reports/insight.html",
        {
            "partnership": partnership,
            "year": today.year,
            "declarations": declarations,
            "confirmations": confirmations,
            "cases": cases,
            "timeliness": timeliness,
            "tracks": charts.TRACKS,
            "outcomes": charts.OUTCOMES,
            "declared_chart": charts.declared(declarations),
            "late_chart": charts.late(declarations),
            "confirmations_chart": charts.confirmations(confirmations),
            "cases_chart": charts.reported(cases),
            "outcomes_chart": charts.decided(cases),
            "timeliness_chart": charts.on_time(timeliness),
        },
    )


def _report(request, slug, year):
    partnership = _partnership(request, slug)
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404("No report for that year")
    return selectors.annual_report(partnership, year)


@login_required
def annual_report(request, slug, year):
    return render(request, "reports/annual_report.html", {"report": _report(request, slug, year)})


@login_required
def annual_report_pdf(request, slug, year):
    report = _report(request, slug, year)
    return pdf_response(
        request,
        "pdf/annual_report.html",
        {"report": report},
        filename=f"annual-report-{report.partnership.slug}-{year}.pdf",
    )
