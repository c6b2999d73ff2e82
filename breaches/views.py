from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from conduct.models import Partnership, Role
from conduct.selectors import role_in_text
from govuk.counts import tallies_by
from govuk.csv_export import csv_response

from . import selectors, services
from .filters import CaseQueueFilter
from .forms import (
    AppealDecisionForm,
    AppealForm,
    AppealViewForm,
    CloseForm,
    ConveneForm,
    DecisionForm,
    InformationForm,
    NoteForm,
    PanelViewForm,
    PublishForm,
    ReasonForm,
    ReceiptCodeForm,
    ReportDetailsForm,
    ReporterMessageForm,
    ReportStartForm,
    ResponseForm,
    RevealForm,
    TriageForm,
)
from .models import BreachCase, CaseMessage, Evidence, PublishedCase
from .receipt_codes import receipt_code_sha256
from .report_limits import report_limit_refusal
from .reporter_cookies import (
    receipt_case_ids,
    receipt_cases_remember,
    report_sent_forget,
    report_sent_recall,
    report_sent_remember,
)

PAGE_SIZE = 50
Action = BreachCase.Action


def _handled_case(request, pk) -> BreachCase:
    case, role = selectors.case_for_user(request.user, pk)
    if role != selectors.HANDLER:
        raise Http404("No such case")
    return case


def index(request):
    user = request.user
    return render(
        request,
        "breaches/index.html",
        {
            "handles_cases": selectors.handles_any_case(user),
            "manages": selectors.manages_any_partnership(user),
        },
    )


# --- Reporting ---------------------------------------------------------------------------------


def report_start(request):
    form = ReportStartForm(
        request.GET if "partnership" in request.GET else None, action=reverse("breaches:report-details")
    )
    return render(request, "breaches/report_start.html", {"form": form})


def report_details(request):
    start = ReportStartForm(request.GET, action=reverse("breaches:report-details"))
    if not start.is_valid():
        return render(request, "breaches/report_start.html", {"form": start})
    partnership, incident_date = start.cleaned_data["partnership"], start.cleaned_data["incident_date"]
    version = selectors.code_version_in_force(partnership, incident_date)
    organisations = selectors.respondent_organisations(partnership, incident_date)
    if version is None or not organisations.exists():
        start.add_error("partnership", f"{partnership} had no published code and member organisations on that date")
        return render(request, "breaches/report_start.html", {"form": start})
    form = ReportDetailsForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        sections=selectors.citable_sections(version),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Reports without an account, or anonymous, are counted; the same form sent again is not.
        limited = not request.user.is_authenticated or data["identity"] == BreachCase.Identity.ANONYMOUS
        limited = limited and not selectors.report_already_sent(data["submission"])
        if limited and (refusal := report_limit_refusal(request)):
            form.add_error(None, refusal)
            return _report_details_page(request, form, partnership, incident_date, version, status=429)
        try:
            case, receipt_code = services.breach_case_report(
                actor=request.user if request.user.is_authenticated else None,
                partnership=partnership,
                respondent_organisation=data["respondent_organisation"],
                respondent_person_name=data["respondent_person_name"],
                incident_date=incident_date,
                incident_place=data["incident_place"],
                description=data["description"],
                cited_items=data["cited_items"],
                cited_principles=data["principles"],
                confidentiality_breach=data["confidentiality_breach"],
                identity=data["identity"],
                reporter_name=data.get("reporter_name", ""),
                reporter_email=data.get("reporter_email", ""),
                evidence=data["evidence"],
                submission=data["submission"],
            )
        except services.BreachError as error:
            form.add_error(None, error.message)
        else:
            response = redirect("breaches:report-sent")
            report_sent_remember(
                response,
                {
                    "reference": case.reference,
                    "receipt_code": receipt_code,
                    "acknowledge_by": date_format(case.acknowledge_due_on, "j F Y"),
                    "feedback_by": date_format(case.feedback_due_on, "j F Y"),
                    "manager": role_in_text(partnership.pk, Role.PROGRAMME_MANAGER),
                },
            )
            return response
    return _report_details_page(request, form, partnership, incident_date, version)


def _report_details_page(request, form, partnership, incident_date, version, *, status: int = 200):
    context = {
        "form": form,
        "partnership": partnership,
        "incident_date": incident_date,
        "version": version,
        "file_chosen": bool(request.FILES),
    }
    return render(request, "breaches/report_details.html", context, status=status)


def report_sent(request):
    sent = report_sent_recall(request)
    if sent is None:
        messages.info(request, "Your report was sent. Its receipt code is shown only once, straight after sending.")
        response = redirect("breaches:index")
    else:
        response = render(request, "breaches/report_sent.html", {"sent": sent})
    report_sent_forget(response)
    return response


# --- Following a report up ---------------------------------------------------------------------


def follow_up(request):
    form = ReceiptCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = selectors.case_by_receipt_code_sha256(receipt_code_sha256(form.cleaned_data["code"]))
        if case is None:
            form.add_error("code", "No report has this receipt code. Check the code and try again")
        else:
            ids = [pk for pk in receipt_case_ids(request) if pk != case.pk] + [case.pk]
            response = redirect("breaches:follow-up-case", pk=case.pk)
            receipt_cases_remember(response, ids)
            return response
    return render(request, "breaches/follow_up.html", {"form": form})


def follow_up_case(request, pk):
    case = selectors.case_for_receipt(receipt_case_ids(request), pk)
    if case is None:
        messages.info(request, "Enter your receipt code to see your report.")
        return redirect("breaches:follow-up")
    form = InformationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_case_add_information(
                case=case, actor=None, text=form.cleaned_data["text"], evidence=form.cleaned_data["evidence"]
            )
        except services.BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "What you added is now part of your report.")
            return redirect("breaches:follow-up-case", pk=case.pk)
    return render(
        request, "breaches/case_reporter.html", _reporter_context(case, form, file_chosen=bool(request.FILES))
    )


def _reporter_context(case: BreachCase, form, *, file_chosen: bool = False) -> dict:
    return {
        "case": case,
        "form": form,
        "file_chosen": file_chosen,
        "messages_list": selectors.case_messages(
            case, kinds=[*CaseMessage.TO_REPORTER, CaseMessage.Kind.REPORTER_INFORMATION]
        ),
        "evidence": selectors.case_evidence(case, sources=[Evidence.Source.REPORTER]),
        "events": case.events.all(),
        "manager": role_in_text(case.partnership_id, Role.PROGRAMME_MANAGER),
    }


# --- A partner's own cases ----------------------------------------------------------------------


@login_required
def my_cases(request):
    return render(
        request,
        "breaches/my_cases.html",
        {
            "reported": selectors.reported_by(request.user),
            "concerning": selectors.concerning_organisation_of(request.user),
            "handles_cases": selectors.handles_any_case(request.user),
        },
    )


# --- One case, seen by whoever may see it --------------------------------------------------------


@login_required
def case_detail(request, pk):
    case, role = selectors.case_for_user(request.user, pk)
    if role == selectors.REPORTER:
        form = InformationForm(action=reverse("breaches:case-add-information", kwargs={"pk": case.pk}))
        return render(request, "breaches/case_reporter.html", _reporter_context(case, form))
    if role == selectors.RESPONDENT:
        form = ResponseForm(action=reverse("breaches:case-respond", kwargs={"pk": case.pk}))
        return render(request, "breaches/case_respondent.html", _respondent_context(case, form, user=request.user))
    return render(request, "breaches/case_handler.html", _handler_context(request, case))


def _handler_context(request, case: BreachCase) -> dict:
    verdict = _verdict(case)
    offered = [
        (action, label, reverse(url_name, kwargs={"pk": case.pk}))
        for action, label, url_name in (
            (Action.TRIAGE, "Triage", "breaches:case-triage"),
            (Action.DECIDE, "Decide", "breaches:case-decide"),
            (Action.ESCALATE, "Escalate to the panel", "breaches:case-escalate"),
            (Action.DE_ESCALATE, "Return to informal resolution", "breaches:case-de-escalate"),
            (Action.CLOSE, "Close", "breaches:case-close"),
            (Action.WITHDRAW, "Withdraw", "breaches:case-withdraw"),
            (Action.PUBLISH, "Publish on the anonymised register", "breaches:case-publish"),
        )
        if selectors.may_take(request.user, case, action)
    ]
    publication = PublishedCase.objects.filter(case=case).first() if case.decided_at else None
    if publication:
        offered = [entry for entry in offered if entry[0] != Action.PUBLISH]
    # Holding the role is not enough: a declared conflict of interest stops them too.
    refusal = services.conflict_refusal(case=case, actor=request.user) if offered else ""
    # A formal case is decided once its panel has.
    panel_undecided = case.track == BreachCase.Track.FORMAL and not (verdict and verdict.outcome)
    offered = [(label, url) for action, label, url in offered if not (action == Action.DECIDE and panel_undecided)]
    if case.status == BreachCase.Status.FORMAL and not refusal:
        if not services.convene_refusal(case=case, actor=request.user):
            offered.insert(0, ("Convene a panel", reverse("breaches:case-convene", kwargs={"pk": case.pk})))
        if not services.view_refusal(case=case, actor=request.user):
            offered.insert(0, ("Give your view", reverse("breaches:case-panel-view", kwargs={"pk": case.pk})))
    appeal = selectors.appeal_of(case) if case.outcome else None
    appeal_verdict = _appeal_verdict(appeal)
    if appeal and appeal.status == appeal.Status.LODGED and not refusal:
        offered = _appeal_actions(request, case, appeal_verdict) + offered
    actions, refusals = ([], [refusal]) if refusal else (offered, [])
    return {
        "appeal": appeal,
        "appeal_verdict": appeal_verdict,
        "case": case,
        "actions": actions,
        "refusals": refusals,
        "may_message": selectors.may_message_reporter(request.user, case) and not refusals,
        "reporter_known": selectors.reporter_known_to(request.user, case),
        "notes": selectors.case_notes(case),
        "cited_items": selectors.cited_items(case),
        "cited_principles": case.cited_principles.all(),
        "messages_list": case.messages.select_related("author"),
        "evidence": selectors.case_evidence(case, sources=Evidence.Source.values),
        "events": case.events.select_related("actor"),
        "history": selectors.respondent_history(case),
        "verdict": verdict,
        "publication": publication,
    }


def _appeal_actions(request, case: BreachCase, appeal_verdict) -> list[tuple[str, str]]:
    """What this person may do next on a lodged appeal: convene its panel, give a view, or record its decision."""
    user, actions = request.user, []
    if appeal_verdict is None and not services.appeal_convene_refusal(case=case, actor=user):
        actions.append(("Convene an appeal panel", reverse("breaches:case-appeal-convene", kwargs={"pk": case.pk})))
    if appeal_verdict is not None and not services.appeal_view_refusal(case=case, actor=user):
        actions.append(("Give your view on the appeal", reverse("breaches:case-appeal-view", kwargs={"pk": case.pk})))
    if appeal_verdict and appeal_verdict.outcome and not services.appeal_decide_refusal(case=case, actor=user):
        actions.append(("Record the appeal's decision", reverse("breaches:case-appeal-decide", kwargs={"pk": case.pk})))
    return actions


def _verdict(case: BreachCase):
    panel = selectors.decision_panel(case) if case.track == BreachCase.Track.FORMAL else None
    return selectors.panel_verdict(panel) if panel else None


def _respondent_context(case: BreachCase, form, *, user) -> dict:
    appeal = selectors.appeal_of(case) if case.outcome else None
    may_appeal = bool(case.outcome) and appeal is None and not services.appeal_lodge_refusal(case=case, actor=user)
    return {
        "appeal": appeal,
        "may_appeal": may_appeal,
        "appeal_last_day": selectors.appeal_last_day(case) if may_appeal else None,
        "case": case,
        "form": form,
        "cited_items": selectors.cited_items(case),
        "cited_principles": case.cited_principles.all(),
        "responses": selectors.case_messages(case, kinds=[CaseMessage.Kind.RESPONSE]),
        "evidence": selectors.case_evidence(case, sources=[Evidence.Source.RESPONDENT]),
        # Who needed to know the reporter is none of the respondent's business.
        "events": case.events.exclude(action=Action.REVEAL),
    }


@login_required
def case_add_information(request, pk):
    case, role = selectors.case_for_user(request.user, pk)
    if role != selectors.REPORTER:
        raise Http404("No such case")
    action = reverse("breaches:case-add-information", kwargs={"pk": case.pk})
    form = InformationForm(request.POST or None, request.FILES or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_case_add_information(
                case=case, actor=request.user, text=form.cleaned_data["text"], evidence=form.cleaned_data["evidence"]
            )
        except services.BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "What you added is now part of your report.")
            return redirect(case)
    return render(
        request, "breaches/case_reporter.html", _reporter_context(case, form, file_chosen=bool(request.FILES))
    )


@login_required
def case_respond(request, pk):
    case, role = selectors.case_for_user(request.user, pk)
    if role != selectors.RESPONDENT:
        raise Http404("No such case")
    form = ResponseForm(
        request.POST or None, request.FILES or None, action=reverse("breaches:case-respond", kwargs={"pk": case.pk})
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_case_respond(
                case=case, actor=request.user, text=form.cleaned_data["text"], evidence=form.cleaned_data["evidence"]
            )
        except services.BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your response has been sent. It will be read before any decision is made.")
            return redirect(case)
    context = _respondent_context(case, form, user=request.user)
    context["file_chosen"] = bool(request.FILES)
    return render(request, "breaches/case_respondent.html", context)


# --- Moving a case -----------------------------------------------------------------------------


def _case_action(request, case: BreachCase, *, action: str, form, perform, success: str, template: str, context=None):
    """What every page that moves a case shares: refuse early when the move is
    not open to this person, run the service, and on a refusal show the form
    again with everything typed, and the case as it now stands."""
    if request.method == "GET":
        refusal = services.action_refusal(case=case, action=action, actor=request.user)
        if refusal:
            messages.error(request, refusal)
            return redirect(case)
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except services.CaseChanged as error:
            case.refresh_from_db()
            # The form now carries the new version: submitting it again is a deliberate choice.
            data = form.data.copy()
            data["version"] = str(case.version)
            form.data = data
            form.full_clean()
            form.add_error(None, error.message)
        except services.BreachError as error:
            form.add_error(None, error)  # a refusal tied to a field shows beside it
        else:
            messages.success(request, success)
            return redirect(case)
    return render(request, template, {"case": case, "form": form, **(context or {})})


@login_required
def case_triage(request, pk):
    case = _handled_case(request, pk)
    form = TriageForm(request.POST or None, initial={"version": case.version})
    return _case_action(
        request,
        case,
        action=Action.TRIAGE,
        form=form,
        perform=lambda data: services.breach_case_triage(
            case=case,
            expected_version=data["version"],
            actor=request.user,
            severity=data["severity"],
            deliberate=data["deliberate"],
            respondent_summary=data["respondent_summary"],
            note=data["note"],
        ),
        success="The case has been triaged and routed. The respondent has been told it concerns them.",
        template="breaches/case_triage.html",
        context={
            "history": selectors.respondent_history(case),
            "told": list(selectors.respondent_users(case)),
            "cited_items": selectors.cited_items(case),
            "cited_principles": case.cited_principles.all(),
        },
    )


REASON_PAGES = {
    Action.ESCALATE: {
        "title": "Escalate the case to the panel",
        "label": "Why does this case need the panel?",
        "required_message": "Give the reason for escalating this case to the panel",
        "help_text": "For example, new evidence that the breach was deliberate, or that it has continued.",
        "button": "Escalate to the panel",
        "success": "The case is now on the formal track, for the panel to decide.",
        "service": services.breach_case_escalate,
    },
    Action.DE_ESCALATE: {
        "title": "Return the case to informal resolution",
        "label": "Why can this case be resolved informally?",
        "required_message": "Give the reason for returning this case to informal resolution",
        "help_text": "The reason is recorded in the case history and the respondent is told.",
        "button": "Return to informal resolution",
        "success": "The case is back on the informal track.",
        "service": services.breach_case_de_escalate,
    },
    Action.WITHDRAW: {
        "title": "Withdraw the case",
        "label": "Why is the case being withdrawn?",
        "required_message": "Give the reason for withdrawing this case",
        "help_text": "For example, it repeats another case, or the concern was taken back.",
        "button": "Withdraw the case",
        "success": "The case has been withdrawn.",
        "service": services.breach_case_withdraw,
    },
}


def _reason_action(request, pk, action):
    case = _handled_case(request, pk)
    page = REASON_PAGES[action]
    form = ReasonForm(
        request.POST or None,
        initial={"version": case.version},
        label=page["label"],
        required_message=page["required_message"],
        help_text=page["help_text"],
        button=page["button"],
    )
    return _case_action(
        request,
        case,
        action=action,
        form=form,
        perform=lambda data: page["service"](
            case=case, expected_version=data["version"], actor=request.user, reason=data["reason"]
        ),
        success=page["success"],
        template="breaches/case_reason.html",
        context={"title": page["title"]},
    )


@login_required
def case_escalate(request, pk):
    return _reason_action(request, pk, Action.ESCALATE)


@login_required
def case_de_escalate(request, pk):
    return _reason_action(request, pk, Action.DE_ESCALATE)


@login_required
def case_withdraw(request, pk):
    return _reason_action(request, pk, Action.WITHDRAW)


@login_required
def case_decide(request, pk):
    case = _handled_case(request, pk)
    form = DecisionForm(
        request.POST or None, initial={"version": case.version}, track=case.track or BreachCase.Track.INFORMAL
    )
    return _case_action(
        request,
        case,
        action=Action.DECIDE,
        form=form,
        perform=lambda data: services.breach_case_decide(
            case=case,
            expected_version=data["version"],
            actor=request.user,
            outcome=data["outcome"],
            finding=data["finding"],
            reasons=data["reasons"],
            wider_causes=data["wider_causes"],
            lessons=data["lessons"],
            suspended_until=data.get("suspended_until"),
        ),
        success="The decision has been recorded and the respondent told.",
        template="breaches/case_decide.html",
        context={
            "verdict": _verdict(case),
            "earlier": selectors.earlier_decisions_citing_the_same_items(case),
            "responses": selectors.case_messages(case, kinds=[CaseMessage.Kind.RESPONSE]),
            "cited_items": selectors.cited_items(case),
            "cited_principles": case.cited_principles.all(),
        },
    )


def _refused(request, case: BreachCase, refusal: str):
    messages.error(request, refusal)
    return redirect(case)


@login_required
def case_convene(request, pk):
    case = _handled_case(request, pk)
    return _convene_page(
        request,
        case,
        refusal=services.convene_refusal,
        candidates=selectors.panel_candidates(case),
        convene=services.breach_case_panel_convene,
        success="The panel is convened. Each member can now give their view.",
        template="breaches/case_convene.html",
    )


def _convene_page(request, case, *, refusal, candidates, convene, success: str, template: str):
    """What convening a panel and an appeal panel share: the refusal, the choice of members, the service."""
    if request.method == "GET" and (refused := refusal(case=case, actor=request.user)):
        return _refused(request, case, refused)
    size = selectors.policy_for(case.partnership).panel_size
    form = ConveneForm(request.POST or None, initial={"version": case.version}, candidates=candidates, size=size)
    if request.method == "POST" and form.is_valid():
        try:
            convene(
                case=case,
                expected_version=form.cleaned_data["version"],
                actor=request.user,
                members=list(form.cleaned_data["members"]),
            )
        except services.BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect(case)
    return render(request, template, {"case": case, "form": form, "size": size})


@login_required
def case_panel_view(request, pk):
    case = _handled_case(request, pk)
    return _view_page(
        request,
        case,
        refusal=services.view_refusal,
        form=PanelViewForm(request.POST or None),
        record=services.breach_case_panel_view_record,
        success="Your view is recorded.",
        template="breaches/case_panel_view.html",
        context=lambda: {
            "responses": selectors.case_messages(case, kinds=[CaseMessage.Kind.RESPONSE]),
            "cited_items": selectors.cited_items(case),
            "cited_principles": case.cited_principles.all(),
        },
    )


def _view_page(request, case, *, refusal, form, record, success: str, template: str, context):
    """What a panel member's view and an appeal panel member's view share."""
    if request.method == "GET" and (refused := refusal(case=case, actor=request.user)):
        return _refused(request, case, refused)
    if request.method == "POST" and form.is_valid():
        try:
            record(
                case=case,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
            )
        except services.BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect(case)
    return render(request, template, {"case": case, "form": form, **context()})


@login_required
def case_close(request, pk):
    case = _handled_case(request, pk)
    form = CloseForm(request.POST or None, initial={"version": case.version})
    return _case_action(
        request,
        case,
        action=Action.CLOSE,
        form=form,
        perform=lambda data: services.breach_case_close(
            case=case, expected_version=data["version"], actor=request.user, feedback=data["feedback"]
        ),
        success="The case is closed and the reporter has the final feedback.",
        template="breaches/case_close.html",
    )


@login_required
def case_publish(request, pk):
    case = _handled_case(request, pk)
    # Offered as a start only: the words the register shows are the programme manager's, approved here.
    form = PublishForm(request.POST or None, initial={"version": case.version, "lessons": case.lessons})
    return _case_action(
        request,
        case,
        action=Action.PUBLISH,
        form=form,
        perform=lambda data: services.breach_case_publish(
            case=case,
            expected_version=data["version"],
            actor=request.user,
            summary=data["summary"],
            lessons=data["lessons"],
        ),
        success="The case is on the partnership's anonymised register of breaches.",
        template="breaches/case_publish.html",
        context={"register": reverse("breaches:public-register", kwargs={"partnership_slug": case.partnership.slug})},
    )


def public_register_list(request):
    return render(
        request,
        "breaches/public_register_list.html",
        {"partnerships": selectors.partnerships_with_published_cases()},
    )


def public_register(request, partnership_slug):
    partnership = get_object_or_404(Partnership, slug=partnership_slug)
    page = Paginator(selectors.published_cases(partnership), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "breaches/public_register.html", {"partnership": partnership, "page": page})


@login_required
def case_message(request, pk):
    case = _handled_case(request, pk)
    if not selectors.may_message_reporter(request.user, case):
        messages.error(request, "The person who reported this concern can be written to only while the case is open.")
        return redirect(case)
    form = ReporterMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_case_message_reporter(
                case=case, actor=request.user, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"]
            )
        except services.BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your message is on the reporter's page.")
            return redirect(case)
    return render(request, "breaches/case_message.html", {"case": case, "form": form})


@login_required
def case_reporter_reveal(request, pk):
    case = _handled_case(request, pk)
    if case.identity != BreachCase.Identity.CONFIDENTIAL:
        return _refused(request, case, "This concern was reported anonymously: there is no identity to reveal.")
    if request.method == "GET" and selectors.reporter_known_to(request.user, case):
        return redirect(case)
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_case_reporter_reveal(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        except services.BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "You can now see who reported this concern. Your reason is in the case history.")
            return redirect(case)
    return render(request, "breaches/case_reveal.html", {"case": case, "form": form})


@login_required
def case_note_add(request, pk):
    case = _handled_case(request, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_case_note_add(case=case, actor=request.user, text=form.cleaned_data["text"])
        except services.BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your note is on the case, for those handling it.")
            return redirect(case)
    return render(request, "breaches/case_note.html", {"case": case, "form": form})


# --- Evidence ----------------------------------------------------------------------------------


def evidence_download(request, pk):
    evidence = selectors.evidence_for_user(request.user, pk, receipt_case_ids(request))
    if not evidence.is_served:
        # Held until the virus scanner calls it clean, or refused: the page says which, never the file.
        status = 410 if evidence.scan == Evidence.Scan.REFUSED else 409
        return render(request, "breaches/evidence_not_served.html", {"evidence": evidence}, status=status)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.download_name, content_type=evidence.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Lists for those handling cases ------------------------------------------------------------


@login_required
def queue(request):
    if not selectors.handles_any_case(request.user):
        raise PermissionDenied("Only programme managers, panel members and administrators see breach cases.")
    partnerships = selectors.queue_partnerships(request.user)
    case_filter = CaseQueueFilter(request.GET, queryset=selectors.queue_cases(request.user), partnerships=partnerships)
    page = Paginator(case_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "breaches/queue.html",
        {
            "filter": case_filter,
            "page": page,
            "rows": [(case, case.deadlines_on(today)) for case in page],
            "query": query.urlencode(),
            **_queue_tallies(request, partnerships),
        },
    )


def _queue_tallies(request, partnerships) -> dict:
    """How many cases each status and each age holds, the other filters applied, each a
    link: the programme manager sees where the work is waiting."""

    def without(param: str) -> CaseQueueFilter:
        data = request.GET.copy()
        data.pop(param, None)
        return CaseQueueFilter(
            data,
            queryset=selectors.queue_cases(request.user),
            partnerships=partnerships,
            every_status=param == "status",
        )

    ages = without("age")
    return {
        "status_tallies": tallies_by(
            without("status").qs, field="status", choices=BreachCase.Status.choices, query=request.GET, param="status"
        ),
        "age_tallies": tallies_by(
            CaseQueueFilter.with_age(ages.qs),
            field="age",
            choices=ages.filters["age"].extra["choices"],
            query=request.GET,
            param="age",
        ),
    }


@login_required
def queue_export(request):
    """The cases the queue's filters select, without who reported them: a download travels further than the page."""
    if not selectors.handles_any_case(request.user):
        raise PermissionDenied("Only programme managers, panel members and administrators see breach cases.")
    cases = CaseQueueFilter(
        request.GET,
        queryset=selectors.queue_cases(request.user),
        partnerships=selectors.queue_partnerships(request.user),
    ).qs
    return csv_response(
        filename=f"breach-cases-{timezone.localdate().isoformat()}.csv",
        header=selectors.CASES_CSV_HEADER,
        rows=selectors.cases_csv_rows(cases),
    )


@login_required
def lessons(request):
    if not selectors.manages_any_partnership(request.user):
        raise PermissionDenied("Only programme managers see the lessons from breach cases.")
    cases = selectors.lessons_cases(request.user)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "breaches/lessons.html",
        {
            "page": page,
            "outcomes": selectors.lessons_outcome_counts(cases),
            "principles": selectors.lessons_principle_counts(cases),
        },
    )


# --- Appeals -------------------------------------------------------------------------------------


@login_required
def case_appeal(request, pk):
    case, role = selectors.case_for_user(request.user, pk)
    if role != selectors.RESPONDENT:
        raise Http404("No such case")
    if refusal := services.appeal_lodge_refusal(case=case, actor=request.user):
        return _refused(request, case, refusal)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_case_appeal(case=case, actor=request.user, grounds=form.cleaned_data["grounds"])
        except services.BreachError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, "Your appeal has been sent. A panel that took no part in the decision will hear it."
            )
            return redirect(case)
    return render(
        request,
        "breaches/case_appeal.html",
        {"case": case, "form": form, "last_day": selectors.appeal_last_day(case)},
    )


@login_required
def case_appeal_convene(request, pk):
    case = _handled_case(request, pk)
    return _convene_page(
        request,
        case,
        refusal=services.appeal_convene_refusal,
        candidates=selectors.appeal_panel_candidates(case),
        convene=services.breach_case_appeal_panel_convene,
        success="The appeal panel is convened. Each member can now give their view.",
        template="breaches/case_appeal_convene.html",
    )


@login_required
def case_appeal_view(request, pk):
    case = _handled_case(request, pk)
    return _view_page(
        request,
        case,
        refusal=services.appeal_view_refusal,
        form=AppealViewForm(request.POST or None, appealed=case.outcome),
        record=services.breach_case_appeal_view_record,
        success="Your view on the appeal is recorded.",
        template="breaches/case_appeal_view.html",
        context=lambda: {"appeal": selectors.appeal_of(case)},
    )


@login_required
def case_appeal_decide(request, pk):
    case = _handled_case(request, pk)
    if request.method == "GET" and (refusal := services.appeal_decide_refusal(case=case, actor=request.user)):
        return _refused(request, case, refusal)
    appeal = selectors.appeal_of(case)
    verdict = _appeal_verdict(appeal)
    standing = verdict.outcome if verdict else ""
    form = AppealDecisionForm(
        request.POST or None,
        initial={"version": case.version},
        varies_to_suspension=standing == BreachCase.Outcome.SUSPENSION and standing != case.outcome,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.breach_case_appeal_decide(
                case=case,
                expected_version=data["version"],
                actor=request.user,
                reasons=data["reasons"],
                reporter_feedback=data["reporter_feedback"],
                suspended_until=data.get("suspended_until"),
            )
        except services.CaseChanged as error:
            case.refresh_from_db()
            data = form.data.copy()
            data["version"] = str(case.version)
            form.data = data
            form.full_clean()
            form.add_error(None, error.message)
        except services.BreachError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The appeal's decision is recorded, and the respondent and the reporter told.")
            return redirect(case)
    return render(
        request,
        "breaches/case_appeal_decide.html",
        {"case": case, "form": form, "appeal": appeal, "appeal_verdict": verdict},
    )


def _appeal_verdict(appeal):
    panel = selectors.appeal_panel(appeal)
    return selectors.panel_verdict(panel) if panel else None
