from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from conduct.models import Role
from conduct.selectors import partner_for_user, role_in_text, running_suspensions
from govuk.counts import tallies_by
from govuk.csv_export import csv_response

from . import open_data, selectors, services
from .filters import RegisterFilter
from .forms import (
    QUESTION_FORMS,
    STEPS,
    AnnualConfirmationFilterForm,
    EndForm,
    ReviewForm,
    StartForm,
    SubmitForm,
    WithholdForm,
    WithholdingRequestForm,
)
from .models import Declaration

PAGE_SIZE = 50


def _own_draft(request, pk):
    """The partner's declaration and its unsubmitted revision; 404 for anyone else's."""
    declaration = selectors.own_declaration(request.user, pk)
    revision = selectors.draft_revision(declaration)
    if revision is None:
        raise Http404("This declaration has no unsubmitted changes")
    return declaration, revision


def _reviewable(request, pk) -> Declaration:
    declaration = selectors.declaration_for_user(request.user, pk)
    refusal = selectors.review_refusal(request.user, declaration)
    if refusal:
        raise PermissionDenied(refusal)
    return declaration


def _managed(request, pk) -> Declaration:
    declaration = selectors.declaration_for_user(request.user, pk)
    if not selectors.may_withhold(request.user, declaration):
        raise PermissionDenied("Only the programme manager decides what the public register shows.")
    return declaration


def _posted(request):
    """The submitted data, even when empty (a form with no fields still submits)."""
    return request.POST if request.method == "POST" else None


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _step_url(declaration, step: str | None) -> str:
    if step is None:
        return reverse("declarations:declaration-check", kwargs={"pk": declaration.pk})
    return reverse("declarations:declaration-question", kwargs={"pk": declaration.pk, "step": step})


# --- Partners --------------------------------------------------------------------------


@login_required
def index(request):
    partner = partner_for_user(request.user)
    reviewable = selectors.reviewable_partnerships(request.user)
    may_declare = selectors.declaring_partnerships(request.user).exists()
    context = {
        "open_confirmations": list(selectors.open_annual_confirmations(request.user)),
        "page": _page(request, selectors.own_declarations(request.user)) if partner or may_declare else None,
        "may_declare": may_declare,
        "to_review": selectors.declarations_for_review(request.user).filter(status=Declaration.Status.SUBMITTED).count()
        if reviewable.exists()
        else None,
    }
    return render(request, "declarations/index.html", context)


@login_required
def declaration_start(request, pk=None):
    declaration = initial = None
    if pk is not None:
        declaration, revision = _own_draft(request, pk)
        if declaration.status != Declaration.Status.DRAFT:
            return redirect("declarations:declaration-check", pk=pk)
        initial = StartForm.initial_from(declaration, revision)
    partnerships = selectors.declaring_partnerships(request.user)
    if not partnerships.exists():
        raise PermissionDenied(
            "You declare to a partnership your organisation is a member of, or one in which you hold a role: "
            "you have neither."
        )
    form = StartForm(_posted(request), initial=initial, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        try:
            if declaration is None:
                declaration = services.declaration_start(
                    actor=request.user,
                    partnership=answers["partnership"],
                    is_nil=answers["is_nil"],
                    start_token=form.cleaned_data["submission"],
                )
            else:
                services.declaration_draft_save(declaration=declaration, actor=request.user, **answers)
        except services.DeclarationError as error:
            form.add_error(None, error.message)
        else:
            revision = selectors.draft_revision(declaration)
            return redirect(_step_url(declaration, revision.unanswered))
    return render(request, "declarations/start.html", {"form": form, "declaration": declaration})


@login_required
def declaration_question(request, pk, step):
    if step not in QUESTION_FORMS:
        raise Http404("No such question")
    declaration, revision = _own_draft(request, pk)
    unanswered = revision.unanswered
    if revision.is_nil or (unanswered is not None and STEPS.index(step) > STEPS.index(unanswered)):
        # Questions are answered in order; a nil declaration has none.
        return redirect(_step_url(declaration, unanswered))
    form_class = QUESTION_FORMS[step]
    policy = selectors.policy_for(declaration.partnership)
    form = form_class(_posted(request), policy=policy, revision=revision)
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.declaration_draft_save(declaration=declaration, actor=request.user, **form.answers())
        except services.DeclarationError as error:
            form.add_error(None, error)  # tied to the answer the rule refuses, when it is one
        else:
            return redirect(_step_url(declaration, revision.unanswered))
    position = STEPS.index(step)
    if position > 0:
        back_url = _step_url(declaration, STEPS[position - 1])
    elif declaration.status == Declaration.Status.DRAFT:
        back_url = reverse("declarations:declaration-change-start", kwargs={"pk": pk})
    else:
        back_url = _step_url(declaration, None)
    return render(
        request,
        "declarations/question.html",
        {"form": form, "declaration": declaration, "back_url": back_url, "step": step},
    )


@login_required
def declaration_check(request, pk):
    declaration, revision = _own_draft(request, pk)
    if revision.unanswered:
        return redirect(_step_url(declaration, revision.unanswered))
    policy = selectors.policy_for(declaration.partnership)
    form = SubmitForm(
        _posted(request),
        answering=declaration.status == Declaration.Status.RETURNED,
        updating=declaration.status in (Declaration.Status.SUBMITTED, Declaration.Status.ACCEPTED),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_submit(
                declaration=declaration, actor=request.user, note=form.cleaned_data.get("note", "")
            )
        except services.DeclarationError as error:
            # The answers refused are on the earlier pages: their messages go in the summary here.
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Your declaration has been submitted for review.")
            return redirect(declaration)
    declared_on = timezone.localdate(declaration.first_submitted_at or timezone.now())
    return render(
        request,
        "declarations/check.html",
        {
            "form": form,
            "declaration": declaration,
            "revision": revision,
            "policy": policy,
            "late_by_days": selectors.days_late(arose_on=revision.arose_on, declared_on=declared_on, policy=policy),
            "assessment": selectors.value_assessment(revision, policy),
            "question": selectors.latest_question(declaration),
            "manager": role_in_text(declaration.partnership_id, Role.PROGRAMME_MANAGER),
        },
    )


@login_required
def declaration_detail(request, pk):
    declaration = selectors.declaration_for_user(request.user, pk)
    own = declaration.declarant_id == request.user.pk
    return render(
        request,
        "declarations/detail.html",
        {
            "declaration": declaration,
            "own": own,
            "draft": selectors.draft_revision(declaration) if own else None,
            "question": selectors.latest_question(declaration),
            "may_review": selectors.may_review(request.user, declaration),
            "may_withhold": selectors.may_withhold(request.user, declaration),
            "manager": role_in_text(declaration.partnership_id, Role.PROGRAMME_MANAGER),
        },
    )


@login_required
@require_POST
def declaration_revise(request, pk):
    declaration = selectors.own_declaration(request.user, pk)
    try:
        services.declaration_revise(declaration=declaration, actor=request.user)
    except services.DeclarationError as error:
        messages.error(request, error.message)
        return redirect(declaration)
    return redirect("declarations:declaration-check", pk=pk)


@login_required
def declaration_end(request, pk):
    declaration = selectors.own_declaration(request.user, pk)
    if not declaration.may_become(Declaration.Status.ENDED):
        messages.error(request, f"A declaration that is {declaration.get_status_display().lower()} cannot be ended.")
        return redirect(declaration)
    form = EndForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_end(declaration=declaration, actor=request.user, **form.cleaned_data)
        except services.DeclarationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The interest is recorded as ended.")
            return redirect(declaration)
    return render(request, "declarations/end.html", {"form": form, "declaration": declaration})


# --- Reviewers and programme managers ------------------------------------------------------


@login_required
def declaration_review(request, pk):
    declaration = _reviewable(request, pk)
    if not declaration.may_become(Declaration.Status.ACCEPTED):
        messages.info(
            request, f"This declaration is {declaration.get_status_display().lower()}: there is nothing to review."
        )
        return redirect(declaration)
    form = ReviewForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if decision == ReviewForm.RETURN:
                services.declaration_return(
                    declaration=declaration, actor=request.user, question=form.cleaned_data["note"]
                )
                messages.success(request, "The declaration has been returned to its declarant with your question.")
            else:
                services.declaration_accept(
                    declaration=declaration,
                    actor=request.user,
                    actions=form.management_actions(),
                    note=form.cleaned_data["note"],
                )
                messages.success(request, "The declaration has been accepted.")
        except services.DeclarationError as error:
            form.add_error(None, error.message)
        else:
            return redirect(declaration)
    return render(request, "declarations/review.html", {"form": form, "declaration": declaration})


@login_required
def declaration_withhold(request, pk):
    return _withholding(request, _managed(request, pk), withholding=True)


@login_required
def declaration_release(request, pk):
    return _withholding(request, _managed(request, pk), withholding=False)


def _withholding(request, declaration, *, withholding: bool):
    if declaration.is_withheld == withholding:
        return redirect(declaration)
    form = WithholdForm(_posted(request), withholding=withholding)
    if request.method == "POST" and form.is_valid():
        change = services.declaration_withhold if withholding else services.declaration_release
        change(declaration=declaration, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            "The declaration is withheld from the public register."
            if withholding
            else "The declaration will appear on the public register once accepted.",
        )
        return redirect(declaration)
    return render(
        request, "declarations/withhold.html", {"form": form, "declaration": declaration, "withholding": withholding}
    )


@login_required
def declaration_withholding_ask(request, pk):
    declaration = selectors.own_declaration(request.user, pk)
    return _withholding_request(request, declaration, refusing=False)


@login_required
def declaration_withholding_refuse(request, pk):
    return _withholding_request(request, _managed(request, pk), refusing=True)


def _withholding_request(request, declaration, *, refusing: bool):
    manager = role_in_text(declaration.partnership_id, Role.PROGRAMME_MANAGER)
    form = WithholdingRequestForm(_posted(request), refusing=refusing)
    if request.method == "POST" and form.is_valid():
        change = services.declaration_withholding_refuse if refusing else services.declaration_withholding_ask
        try:
            change(declaration=declaration, actor=request.user, reason=form.cleaned_data["reason"])
        except services.DeclarationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "The request is refused; the declaration stays on the public register once accepted."
                if refusing
                else f"Your request is sent. The {manager} will decide.",
            )
            return redirect(declaration)
    return render(
        request,
        "declarations/withholding_request.html",
        {"form": form, "declaration": declaration, "refusing": refusing, "manager": manager},
    )


def _register_filter(request, data=None):
    partnerships = list(selectors.reviewable_partnerships(request.user).values_list("pk", "name"))
    if not partnerships:
        raise PermissionDenied("Only programme managers and reviewers of declarations see the register.")
    return RegisterFilter(
        request.GET if data is None else data,
        queryset=selectors.declarations_for_review(request.user),
        partnerships=partnerships,
    )


@login_required
def register(request):
    register_filter = _register_filter(request)
    # How many declarations each status holds, the other filters applied: a reviewer sees
    # at once how many wait for them.
    other_filters = request.GET.copy()
    other_filters.pop("status", None)
    status_tallies = tallies_by(
        _register_filter(request, other_filters).qs,
        field="status",
        choices=register_filter.filters["status"].extra["choices"],
        query=request.GET,
        param="status",
    )
    page = _page(request, register_filter.qs)
    suspensions = running_suspensions()
    query = request.GET.copy()
    query.pop("page", None)
    rows = [
        (
            declaration,
            suspensions.of(
                organisation_name=declaration.organisation_name, person_name=declaration.declarant.display_name
            ),
        )
        for declaration in page
    ]
    return render(
        request,
        "declarations/register.html",
        {
            "filter": register_filter,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "status_tallies": status_tallies,
        },
    )


@login_required
def register_export(request):
    return csv_response(
        filename=f"declarations-{timezone.localdate().isoformat()}.csv",
        header=selectors.REGISTER_CSV_HEADER,
        rows=selectors.register_csv_rows(_register_filter(request).qs),
    )


# --- The public ------------------------------------------------------------------------------


def public_register_list(request):
    return render(request, "declarations/public_register_list.html", {"partnerships": selectors.public_partnerships()})


def _public_partnership(partnership_slug):
    return get_object_or_404(selectors.public_partnerships(), slug=partnership_slug)


def public_register_csv(request, partnership_slug):
    partnership = _public_partnership(partnership_slug)
    rows = open_data.register_rows(selectors.public_register(partnership))
    return csv_response(
        filename=f"declarations-{partnership.slug}-{timezone.localdate().isoformat()}.csv",
        header=open_data.HEADER,
        rows=(
            ["yes" if value is True else "no" if value is False else value for value in row.values()] for row in rows
        ),
    )


def public_register_json(request, partnership_slug):
    partnership = _public_partnership(partnership_slug)
    return JsonResponse(
        {
            "schema": request.build_absolute_uri(reverse("declarations:public-register-schema")),
            "schema_version": open_data.SCHEMA_VERSION,
            "partnership": partnership.name,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "declarations": open_data.register_rows(selectors.public_register(partnership)),
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


def public_register_schema(request):
    return JsonResponse(
        open_data.schema(url=request.build_absolute_uri()), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )


def public_not_declared(request, partnership_slug):
    partnership = _public_partnership(partnership_slug)
    return render(
        request,
        "declarations/public_not_declared.html",
        {"partnership": partnership, "people": selectors.decision_makers_not_declared(partnership)},
    )


def public_register(request, partnership_slug):
    partnership = get_object_or_404(selectors.public_partnerships(), slug=partnership_slug)
    return render(
        request,
        "declarations/public_register.html",
        {
            "partnership": partnership,
            "page": _page(request, selectors.public_register(partnership)),
            "manager": role_in_text(partnership.pk, Role.PROGRAMME_MANAGER),
        },
    )


@login_required
def annual_confirm(request, partnership_slug):
    # Everyone who declares to the partnership, partner or not: decision-makers of any role are asked too.
    partnership = get_object_or_404(selectors.declaring_partnerships(request.user), slug=partnership_slug)
    if request.method == "POST":
        if services.annual_confirmation_confirm(person=request.user, partnership=partnership, actor=request.user):
            messages.success(
                request, f"Thank you: your declarations to {partnership.name} are confirmed for this year."
            )
        else:
            messages.info(request, "You have already confirmed your declarations for this year.")
        return redirect("declarations:index")
    return render(
        request,
        "declarations/annual_confirm.html",
        {
            "partnership": partnership,
            "declarations": selectors.own_declarations(request.user)
            .filter(partnership=partnership)
            .exclude(status=Declaration.Status.DRAFT),
            "open_request": selectors.open_annual_confirmations(request.user).filter(partnership=partnership).first(),
        },
    )


@login_required
def annual_confirmations(request):
    partnerships = list(selectors.reviewable_partnerships(request.user))
    if not partnerships:
        raise PermissionDenied("Only programme managers and reviewers of declarations see who has confirmed.")
    form = AnnualConfirmationFilterForm(request.GET, partnerships=partnerships)
    slug = form.cleaned_data.get("partnership") if form.is_valid() else ""
    chosen = next((partnership for partnership in partnerships if partnership.slug == slug), None)
    return render(
        request,
        "declarations/annual_confirmations.html",
        {
            "form": form,
            "page": _page(request, selectors.annual_confirmation_overview(request.user, partnership=chosen)),
            "partnerships": partnerships,
            "chosen": chosen,
            "query": f"partnership={chosen.slug}" if chosen else "",
        },
    )
