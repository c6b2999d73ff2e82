from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from conduct.views import administrator_required
from govuk.templatetags.govuk_dates import govuk_date

from . import selectors, services, subject_access
from .forms import RetentionPeriodForm, SubjectAccessAnswerForm, SubjectAccessRequestForm
from .retention_schedule import Kind


def notice(request):
    """Public: anyone about to give personal data can read it first."""
    return render(request, "privacy/notice.html", {"periods": selectors.retention_periods()})


@administrator_required
def retention_schedule(request):
    return render(request, "privacy/retention_schedule.html", {"periods": selectors.retention_periods()})


@administrator_required
def retention_period_edit(request, kind):
    if kind not in Kind.values:
        raise Http404("No such kind of record.")
    period = next(p for p in selectors.retention_periods() if p.kind == kind)
    form = RetentionPeriodForm(request.POST or None, initial={"months": period.months})
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_rule_set(kind=kind, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{period.kind.label}: the period is now {form.cleaned_data['months']} months.")
            return redirect("privacy:retention-schedule")
    return render(request, "privacy/retention_period_form.html", {"period": period, "form": form})


# --- Subject access requests -------------------------------------------------------------------


@never_cache
@administrator_required
def subject_access_requests(request):
    return render(
        request,
        "privacy/subject_access_requests.html",
        {
            "open_requests": selectors.subject_access_requests_open(),
            "answered": selectors.subject_access_requests_answered(),
            "today": timezone.localdate(),
        },
    )


@never_cache
@administrator_required
def subject_access_request_new(request):
    form = SubjectAccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sar = services.subject_access_request_record(
                subject=data["subject"], asked_by=data["asked_by"], received_on=data["received_on"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Request recorded. Answer it by {govuk_date(sar.due_on)}.")
            return redirect(sar)
    return render(request, "privacy/subject_access_request_form.html", {"form": form})


@never_cache
@administrator_required
def subject_access_request(request, pk):
    sar = selectors.subject_access_request(pk)
    form = SubjectAccessAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and sar.status == sar.Status.OPEN and form.is_valid():
        services.subject_access_request_answer(request=sar, actor=request.user)
        messages.success(request, "The request is marked as answered.")
        return redirect(sar)
    return render(
        request,
        "privacy/subject_access_request.html",
        {
            "sar": sar,
            "form": form,
            "history": selectors.subject_access_history(sar),
            "today": timezone.localdate(),
        },
    )


@never_cache
@administrator_required
def subject_access_export(request, pk):
    sar = selectors.subject_access_request(pk)
    export = services.subject_access_export(request=sar, actor=request.user, kind="html")
    return render(
        request,
        "privacy/subject_access_export.html",
        {"sar": sar, "export": export, "sections": subject_access.readable(export)},
    )


@never_cache
@administrator_required
def subject_access_export_json(request, pk):
    sar = selectors.subject_access_request(pk)
    export = services.subject_access_export(request=sar, actor=request.user, kind="json")
    response = JsonResponse(export, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="subject-access-request-{sar.pk}.json"'
    return response
