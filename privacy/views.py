from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from conduct.views import administrator_required

from . import selectors, services
from .forms import RetentionPeriodForm
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
