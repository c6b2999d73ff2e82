from dataclasses import replace
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from govuk.charts import Bar, Mark, Timeline, TimelineRow, bar_chart, line_chart, timeline
from govuk.csv_export import csv_response
from govuk.pdf import pdf_response

from . import selectors, services, worker_health
from .canonical_text import text_sha256, version_canonical_text
from .code_import import CorrectionError, DocumentError, proposal_corrected, read_code
from .filters import SignatureStatusFilter
from .forms import (
    CodeCreateForm,
    CodeDocumentForm,
    DraftForm,
    ItemForm,
    ProposedDetailsForm,
    ProposedItemFormSet,
    ReviewCompleteForm,
    ReviewScheduleForm,
    SectionForm,
    SignatureForm,
    VersionCompareForm,
    proposal_details,
    proposal_rows,
)
from .models import Code, CodeReview, CodeVersion, Item, Partner, Section
from .version_diff import versions_diff

PAGE_SIZE = 50


def administrator_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not selectors.is_administrator(request.user):
            raise PermissionDenied("Only administrators can manage codes.")
        return view(request, *args, **kwargs)

    return wrapper


def _partner_or_403(request):
    partner = selectors.partner_for_user(request.user)
    if partner is None:
        raise PermissionDenied("Only partners sign codes of conduct.")
    return partner


def _draft_or_404(code_slug: str, number: int) -> CodeVersion:
    return get_object_or_404(
        selectors.with_content(CodeVersion.objects.select_related("code")),
        code__slug=code_slug,
        number=number,
        status=CodeVersion.Status.DRAFT,
    )


def home(request):
    partner = selectors.partner_for_user(request.user)
    overview = selectors.partner_code_overview(partner) if partner else None
    context = {
        "codes": selectors.public_codes() if partner is None else None,
        "overview": overview,
        "to_sign": sum(1 for row in overview or [] if row["version"] and not row["signature"]),
        "managed_partnerships": selectors.managed_partnerships_overview(request.user),
    }
    return render(request, "conduct/home.html", context)


def code_list(request):
    return render(request, "conduct/code_list.html", {"codes": selectors.public_codes().order_by("title")})


def code_detail(request, code_slug):
    code = get_object_or_404(Code, slug=code_slug)
    version = selectors.current_version(code)
    if version is None:
        version = selectors.code_versions(code, request.user).first()
    if version is None:
        raise Http404("This code has no published version")
    return redirect(version)


def version_detail(request, code_slug, number):
    version = selectors.version_for_user(request.user, code_slug=code_slug, number=number)
    partner = selectors.partner_for_user(request.user)
    signature = None
    if partner:
        signature = partner.signatures.filter(version=version).first()
    return render(
        request,
        "conduct/version_detail.html",
        {
            "version": version,
            "outline": selectors.version_outline(version),
            "history": selectors.code_versions(version.code, request.user),
            "signature": signature,
            "may_sign": partner is not None and version.is_signable and selectors.partner_may_sign(partner, version),
            "managed": bool(selectors.partnership_ids_managed_for_code(request.user, version.code_id)),
        },
    )


def version_diff(request, code_slug):
    code = get_object_or_404(Code, slug=code_slug)
    versions = list(selectors.code_versions(code, request.user))
    if len(versions) < 2:
        messages.info(request, "This code has only one version, so there is nothing to compare.")
        return redirect(code)
    if "from_number" in request.GET or "from" not in request.GET:
        data = (
            request.GET
            if "from_number" in request.GET
            else {"from_number": versions[1].number, "to_number": versions[0].number}
        )
    else:
        data = {"from_number": request.GET.get("from"), "to_number": request.GET.get("to")}
    form = VersionCompareForm(data, versions=versions)
    changes = None
    old_version = new_version = None
    if form.is_valid():
        by_number = {v.number: v for v in versions}
        old_version, new_version = sorted(
            (by_number[form.cleaned_data["from_number"]], by_number[form.cleaned_data["to_number"]]),
            key=lambda v: v.number,
        )
        old_version = selectors.version_for_user(request.user, code_slug=code_slug, number=old_version.number)
        new_version = selectors.version_for_user(request.user, code_slug=code_slug, number=new_version.number)
        changes = versions_diff(old_version, new_version)
    return render(
        request,
        "conduct/version_diff.html",
        {
            "code": code,
            "form": form,
            "changes": changes,
            "old_version": old_version,
            "new_version": new_version,
            "counts": _change_counts(changes or []),
        },
    )


def _change_counts(changes) -> dict[str, int]:
    counts = {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
    for change in changes:
        counts[change.change] += 1
    return counts


@login_required
def version_sign(request, code_slug, number):
    partner = _partner_or_403(request)
    version = selectors.version_for_user(request.user, code_slug=code_slug, number=number)
    may_sign = version.is_signable and selectors.partner_may_sign(partner, version)
    existing = selectors.signature_to_show(partner, version, may_sign=may_sign)
    if existing:
        messages.info(request, "You have already signed this version.")
        return redirect(existing)
    if version.is_signable and not may_sign:
        raise PermissionDenied("Your organisation is not a member of a partnership that adopts this code.")
    earlier = (
        selectors.partner_signatures(partner)
        .filter(version__code_id=version.code_id, version__number__lt=version.number)
        .first()
    )
    changes = None
    if earlier and version.is_signable:
        earlier_version = selectors.version_for_user(request.user, code_slug=code_slug, number=earlier.version.number)
        changes = [c for c in versions_diff(earlier_version, version) if c.change != "unchanged"]
    form = SignatureForm(
        request.POST or None, initial={"typed_name": request.user.get_full_name()} if request.method == "GET" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            signature, _ = services.signature_record(
                partner=partner, version=version, typed_name=form.cleaned_data["typed_name"]
            )
        except services.ConductError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "You have signed the code of conduct.")
            return redirect(signature)
    return render(
        request,
        "conduct/version_sign.html",
        {
            "version": version,
            "outline": selectors.version_outline(version),
            "form": form,
            "earlier": earlier,
            "changes": changes,
            "current": selectors.current_version(version.code) if not version.is_signable else None,
        },
    )


@login_required
def signature_receipt(request, reference):
    signature = selectors.signature_for_user(request.user, reference)
    version = selectors.version_for_user(
        request.user, code_slug=signature.version.code.slug, number=signature.version.number
    )
    current_hash = text_sha256(version_canonical_text(version))
    return render(
        request,
        "conduct/signature_receipt.html",
        {
            "signature": signature,
            "version_hash": current_hash,
            "intact": signature.signed_text_intact and current_hash == signature.text_sha256,
        },
    )


RECEIPT_ATTACHMENT = "signed-text.txt"


@login_required
def signature_receipt_pdf(request, reference):
    signature = selectors.signature_for_user(request.user, reference)
    return pdf_response(
        request,
        "pdf/signature_receipt.html",
        {
            "signature": signature,
            "attachment_name": RECEIPT_ATTACHMENT,
            "url": request.build_absolute_uri(signature.get_absolute_url()),
        },
        filename=f"signature-receipt-{signature.reference}.pdf",
        attachments={RECEIPT_ATTACHMENT: signature.signed_text.text},
    )


def version_pdf(request, code_slug, number):
    version = selectors.version_for_user(request.user, code_slug=code_slug, number=number)
    return pdf_response(
        request,
        "pdf/code_version.html",
        {
            "version": version,
            "outline": selectors.version_outline(version),
            "printed_at": timezone.now(),
            "url": request.build_absolute_uri(version.get_absolute_url()),
        },
        filename=f"{version.code.slug}-version-{version.number}.pdf",
    )


@login_required
def my_signatures(request):
    partner = _partner_or_403(request)
    page = Paginator(selectors.partner_signatures(partner), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "conduct/my_signatures.html", {"page": page})


def _managed_version(request, code_slug, number) -> tuple[CodeVersion, list[int]]:
    """The version, and the ids of the partnerships adopting its code that the user manages."""
    version = selectors.version_for_user(request.user, code_slug=code_slug, number=number, content=False)
    partnership_ids = selectors.partnership_ids_managed_for_code(request.user, version.code_id)
    if not partnership_ids:
        raise PermissionDenied(
            "Only the programme manager of a partnership that adopts this code can see who has signed."
        )
    return version, partnership_ids


def _signature_status_filter(
    request, tallies, partners
) -> tuple[SignatureStatusFilter, list[selectors.OrganisationTally]]:
    """The dashboard's filter of these partners, and the tallies of the organisations it leaves."""
    status_filter = SignatureStatusFilter(
        request.GET, queryset=partners, organisations=[(tally.organisation_id, tally.name) for tally in tallies]
    )
    chosen = status_filter.chosen_organisation_id
    return status_filter, [tally for tally in tallies if chosen in (None, tally.organisation_id)]


@login_required
def signature_dashboard(request, code_slug, number):
    version, partnership_ids = _managed_version(request, code_slug, number)
    # The page reads its rows through SignatureStatusList, so the filter only cleans the choices.
    status_filter, tallies = _signature_status_filter(
        request, selectors.signature_tallies(version, partnership_ids=partnership_ids), Partner.objects.none()
    )
    rows = selectors.SignatureStatusList(version, tallies=tallies, status=status_filter.chosen_status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    suspensions = selectors.running_suspensions()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "conduct/signature_dashboard.html",
        {
            "version": version,
            "filter": status_filter,
            "page": page,
            "rows": [
                (partner, suspensions.of(organisation_name=partner.organisation, person_name=partner.name))
                for partner in page
            ],
            "query": query.urlencode(),
            "totals": selectors.signature_totals(tallies),
        },
    )


@login_required
def signature_chart(request, code_slug, number):
    """The dashboard's figures as pictures: signatures over time, and the share of each
    organisation's partners who have signed, with the same figures in tables."""
    version, partnership_ids = _managed_version(request, code_slug, number)
    tallies = selectors.signature_tallies(version, partnership_ids=partnership_ids)
    totals = selectors.signature_totals(tallies)
    over_time = selectors.signatures_by_day(version, tallies=tallies)
    dashboard = reverse("conduct:signature-dashboard", kwargs={"code_slug": code_slug, "number": number})
    shares = []
    for tally in tallies:
        percent = round(100 * tally.signed / tally.expected) if tally.expected else 0
        shares.append(
            Bar(
                label=tally.name,
                value=percent,
                figure=f"{percent}% ({tally.signed} of {tally.expected})",
                href=f"{dashboard}?organisation={tally.organisation_id}&status=outstanding",
            )
        )
    return render(
        request,
        "conduct/signature_chart.html",
        {
            "version": version,
            "totals": totals,
            "dashboard": dashboard,
            "over_time": line_chart(
                "signatures-over-time",
                title="Partners who have signed, by day",
                description=f"{totals['signed']} of {totals['total']} partners have signed since publishing.",
                points=over_time,
            ),
            "over_time_rows": over_time,
            "shares": bar_chart(
                "share-signed",
                title="Share of each organisation's partners who have signed",
                description="One bar per organisation, as a percentage of its partners expected to sign.",
                bars=shares,
                maximum=100,
            ),
            # The table's rows as plain tuples: a template reads a tuple's parts for far less
            # than an object's attributes, and a version may be signed by hundreds of organisations.
            "share_rows": [(bar.label, bar.figure, bar.href if bar.value < 100 else "") for bar in shares],
        },
    )


def _local_iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


@login_required
def signature_export(request, code_slug, number):
    version, partnership_ids = _managed_version(request, code_slug, number)
    tallies = selectors.signature_tallies(version, partnership_ids=partnership_ids)
    partners = selectors.signature_status(version, organisation_ids=[tally.organisation_id for tally in tallies])
    rows = _signature_status_filter(request, tallies, partners)[0].qs
    return csv_response(
        filename=f"signatures-{version.code.slug}-v{version.number}.csv",
        header=[
            "Organisation",
            "Partner",
            "Email",
            "Signed",
            "Signed at",
            "Signature reference",
            "Asked at",
            "Reminders",
            "Last reminded at",
        ],
        rows=(
            [
                partner.organisation,
                partner.name,
                partner.email,
                "yes" if partner.signed_at else "no",
                _local_iso(partner.signed_at),
                partner.signature_reference or "",
                _local_iso(partner.requested_at),
                partner.reminder_count or 0,
                _local_iso(partner.last_reminded_at),
            ]
            for partner in selectors.signature_status_rows(rows.iterator(chunk_size=2000))
        ),
    )


@administrator_required
def manage_codes(request):
    return render(request, "conduct/manage_codes.html", {"codes": selectors.codes_for_management()})


@administrator_required
def code_create(request):
    form = CodeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            code = services.code_create(
                title=form.cleaned_data["title"], partnership=form.cleaned_data["partnership"], actor=request.user
            )
        except services.ConductError as error:
            form.add_error("title", " ".join(error.messages))
        else:
            messages.success(request, f"{code.title} created. Now give it its first draft, from its document.")
            return redirect("conduct:code-import", code_slug=code.slug)
    return render(request, "conduct/code_create.html", {"form": form})


def _code_without_draft(code_slug: str) -> tuple[Code, CodeVersion | None]:
    code = get_object_or_404(Code, slug=code_slug)
    return code, code.versions.filter(status=CodeVersion.Status.DRAFT).first()


@administrator_required
def code_import(request, code_slug):
    """Paste or upload the document; a readable one goes straight to its preview, nothing saved yet."""
    code, draft = _code_without_draft(code_slug)
    form = CodeDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and draft is None and form.is_valid():
        return _import_preview(
            request,
            code,
            form.document,
            form.proposal,
            ProposedItemFormSet(initial=proposal_rows(form.proposal)),
            ProposedDetailsForm(initial=proposal_details(form.proposal, code=code)),
        )
    return render(request, "conduct/code_import.html", {"code": code, "draft": draft, "form": form})


def _import_preview(request, code, document: str, proposal, formset, details, problems=()):
    return render(
        request,
        "conduct/code_import_preview.html",
        {
            "code": code,
            "document": document,
            "proposal": proposal,
            "rows": list(zip(proposal.items(), formset, strict=True)),
            "formset": formset,
            "details": details,
            "kinds": Item.Kind.choices,
            "problems": problems,
        },
    )


@administrator_required
@require_POST
def code_import_confirm(request, code_slug):
    """Make the draft from the document as the administrator corrected its preview."""
    code, draft = _code_without_draft(code_slug)
    try:
        proposal = read_code(request.POST.get("document", ""))
    except DocumentError as error:
        messages.error(request, str(error))
        return redirect("conduct:code-import", code_slug=code.slug)
    formset = ProposedItemFormSet(request.POST, initial=proposal_rows(proposal))
    if len(formset.forms) != len(proposal.items()):
        messages.error(request, "The document changed while it was being checked. Paste or upload it again.")
        return redirect("conduct:code-import", code_slug=code.slug)
    details = ProposedDetailsForm(request.POST)
    document = request.POST["document"]
    if not all([formset.is_valid(), details.is_valid()]):  # a list, so that both show their problems
        return _import_preview(request, code, document, proposal, formset, details)
    try:
        corrected = proposal_corrected(proposal, [form.cleaned_data for form in formset])
        corrected = replace(corrected, **details.cleaned_data)
        draft = services.code_draft_import(code=code, proposal=corrected, actor=request.user, source="the import page")
    except CorrectionError as error:
        for row, message in error.problems:
            formset.forms[row].add_error(None, message)
        return _import_preview(request, code, document, read_code(document), formset, details, error.problems)
    except services.ConductError as error:
        if not hasattr(error, "error_dict"):
            messages.error(request, " ".join(error.messages))
            return redirect("conduct:code-import", code_slug=code.slug)
        _form_errors_from(details, error)  # a rule of the details, by its field
        return _import_preview(request, code, document, read_code(document), formset, details)
    messages.success(request, f"{capfirst(draft.draft_name)} made from the document. Check it, then publish it.")
    return redirect("conduct:draft-edit", code_slug=code.slug, number=draft.number)


@administrator_required
@require_POST
def draft_start(request, code_slug):
    code = get_object_or_404(Code, slug=code_slug)
    try:
        draft = services.code_version_start_draft(code=code, actor=request.user)
    except services.ConductError as error:
        messages.error(request, error.message)
        return redirect("conduct:manage-codes")
    messages.success(request, f"{capfirst(draft.draft_name)} started from the latest version.")
    return redirect("conduct:draft-edit", code_slug=code.slug, number=draft.number)


@administrator_required
def draft_edit(request, code_slug, number):
    draft = _draft_or_404(code_slug, number)
    form = DraftForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            services.code_version_edit_draft(
                version=draft, actor=request.user, **{name: form.cleaned_data[name] for name in DraftForm.Meta.fields}
            )
        except services.ConductError as error:
            form.add_error(None, error)  # tied to the field the rule refuses, when it is one
        else:
            messages.success(request, "Draft saved.")
            return redirect("conduct:draft-edit", code_slug=code_slug, number=number)
    return render(
        request, "conduct/draft_edit.html", {"draft": draft, "form": form, "outline": selectors.version_outline(draft)}
    )


def _draft_item(item_id) -> Item:
    return get_object_or_404(
        Item.objects.select_related("section__version__code"),
        pk=item_id,
        section__version__status=CodeVersion.Status.DRAFT,
    )


def _item_fields(form) -> dict:
    return {
        name: form.cleaned_data[name] for name in ("kind", "title", "text", "topic", "principle", "number", "parent")
    }


def _form_errors_from(form, error: services.ConductError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        form.add_error(None, error.message)


@administrator_required
def item_add(request, section_id):
    section = _draft_section_or_404(section_id)
    form = ItemForm(request.POST or None, section=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_add(section=section, actor=request.user, **_item_fields(form))
        except services.ConductError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "Item added.")
            return redirect("conduct:draft-edit", code_slug=section.version.code.slug, number=section.version.number)
    return render(request, "conduct/item_form.html", {"form": form, "draft": section.version, "section": section})


@administrator_required
def item_edit(request, item_id):
    item = _draft_item(item_id)
    form = ItemForm(request.POST or None, instance=item, section=item.section)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_edit(item=item, actor=request.user, **_item_fields(form))
        except services.ConductError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "Item saved.")
            return redirect(
                "conduct:draft-edit", code_slug=item.section.version.code.slug, number=item.section.version.number
            )
    return render(
        request,
        "conduct/item_form.html",
        {"form": form, "draft": item.section.version, "section": item.section, "item": item},
    )


@administrator_required
def item_remove(request, item_id):
    item = _draft_item(item_id)
    draft = item.section.version
    if request.method == "POST":
        services.item_remove(item=item, actor=request.user)
        messages.success(request, "Item removed.")
        return redirect("conduct:draft-edit", code_slug=draft.code.slug, number=draft.number)
    return render(request, "conduct/item_remove.html", {"item": item, "draft": draft})


@administrator_required
@require_POST
def item_move(request, item_id):
    item = _draft_item(item_id)
    services.item_move(item=item, actor=request.user, up=request.POST.get("direction") == "up")
    draft = item.section.version
    return redirect(
        reverse("conduct:draft-edit", kwargs={"code_slug": draft.code.slug, "number": draft.number})
        + f"#item-{item.pk}"
    )


def _draft_section_or_404(section_id) -> Section:
    return get_object_or_404(
        Section.objects.select_related("version__code"), pk=section_id, version__status=CodeVersion.Status.DRAFT
    )


def _to_section(section: Section):
    version = section.version
    return redirect(
        reverse("conduct:draft-edit", kwargs={"code_slug": version.code.slug, "number": version.number})
        + f"#section-{section.pk}"
    )


@administrator_required
def section_add(request, code_slug, number):
    draft = get_object_or_404(
        CodeVersion.objects.select_related("code"), code__slug=code_slug, number=number, status=CodeVersion.Status.DRAFT
    )
    form = SectionForm(request.POST or None, sections=draft.sections.order_by("position", "pk"))
    if request.method == "POST" and form.is_valid():
        try:
            services.section_add(
                version=draft,
                actor=request.user,
                heading=form.cleaned_data["heading"],
                after=form.cleaned_data["after"],
            )
        except services.ConductError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "Section added.")
            return redirect("conduct:draft-edit", code_slug=draft.code.slug, number=draft.number)
    return render(request, "conduct/section_form.html", {"form": form, "draft": draft})


@administrator_required
def section_rename(request, section_id):
    section = _draft_section_or_404(section_id)
    form = SectionForm(request.POST or None, initial={"heading": section.heading})
    if request.method == "POST" and form.is_valid():
        try:
            services.section_rename(section=section, actor=request.user, heading=form.cleaned_data["heading"])
        except services.ConductError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "Section renamed.")
            # No #section anchor: the success banner, at the top, takes focus to be read out.
            return redirect("conduct:draft-edit", code_slug=section.version.code.slug, number=section.version.number)
    return render(request, "conduct/section_form.html", {"form": form, "draft": section.version, "section": section})


@administrator_required
@require_POST
def section_move(request, section_id):
    section = _draft_section_or_404(section_id)
    try:
        services.section_move(section=section, actor=request.user, up=request.POST.get("direction") == "up")
    except services.ConductError as error:  # published since the page was shown
        messages.error(request, error.message)
        return redirect(section.version)
    return _to_section(section)


@administrator_required
def section_remove(request, section_id):
    section = _draft_section_or_404(section_id)
    draft = section.version
    if request.method == "POST":
        try:
            removed = services.section_remove(section=section, actor=request.user)
        except services.ConductError as error:  # published since the page was shown
            messages.error(request, error.message)
            return redirect(draft)
        messages.success(request, f"Section removed with {removed} item{'' if removed == 1 else 's'}.")
        return redirect("conduct:draft-edit", code_slug=draft.code.slug, number=draft.number)
    return render(
        request,
        "conduct/section_remove.html",
        {"section": section, "draft": draft, "item_count": section.items.count()},
    )


@administrator_required
def version_publish(request, code_slug, number):
    draft = _draft_or_404(code_slug, number)
    current = selectors.current_version(draft.code)
    if request.method == "POST":
        try:
            services.code_version_publish(version=draft, actor=request.user)
        except services.ConductError as error:
            messages.error(request, error.message)
            return redirect("conduct:draft-edit", code_slug=code_slug, number=number)
        messages.success(request, f"{capfirst(draft.name)} is published. Partners are being asked to sign it.")
        return redirect(draft)
    changes = None
    if current:
        current = selectors.version_for_user(request.user, code_slug=code_slug, number=current.number)
        changes = [c for c in versions_diff(current, draft) if c.change != "unchanged"]
    return render(
        request,
        "conduct/version_publish.html",
        {
            "draft": draft,
            "current": current,
            "changes": changes,
            "partner_count": selectors.partners_expected_to_sign(draft).count(),
        },
    )


@login_required
def review_calendar(request):
    if not (selectors.is_administrator(request.user) or selectors.is_programme_manager(request.user)):
        raise PermissionDenied("Only administrators and programme managers run the reviews of codes.")
    today = timezone.localdate()
    calendar = selectors.review_calendar(today=today)
    return render(request, "conduct/review_calendar.html", {**calendar, "timeline": _review_timeline(calendar, today)})


def _review_timeline(calendar: dict, today) -> Timeline:
    """Each code's reviews on one line of time: done in the last year, due, overdue, and the next one coming."""
    rows: dict[str, list[Mark]] = {}

    def mark(title: str, label: str, day, kind: str) -> None:
        rows.setdefault(title, []).append(Mark(f"{title}: {label}", day, kind))

    for review in calendar["done"]:
        mark(review.code.title, f"{review.get_kind_display()} done", timezone.localdate(review.completed_at), "done")
    for kind, reviews in (("overdue", calendar["overdue"]), ("due", calendar["due"])):
        for review in reviews:
            mark(review.code.title, f"{review.get_kind_display()} {kind}", review.due_on, kind)
    for row in calendar["upcoming"]:
        review = "Full review" if row["kind"] == "full" else "Light-touch review"
        mark(row["version"].code.title, f"{review} due", row["due_on"], "due")
    return timeline(
        "review-timeline",
        title="Reviews of the codes over time",
        description="For each code: reviews done in the last year, reviews due or overdue, and the next one coming.",
        rows=[TimelineRow(title, marks) for title, marks in sorted(rows.items())],
        today=today,
    )


@login_required
def review_detail(request, review_id):
    review = get_object_or_404(
        CodeReview.objects.select_related("code", "version", "completed_by", "draft"), pk=review_id
    )
    if not selectors.may_run_reviews_of(request.user, review.code):
        raise Http404("No such review")
    form = None
    if review.status == CodeReview.Status.OPEN:
        form = ReviewCompleteForm(request.POST or None, review=review)
        if request.method == "POST" and form.is_valid():
            try:
                review = services.code_review_complete(review=review, actor=request.user, **form.cleaned_data)
            except services.ConductError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "The review is recorded.")
                return redirect(
                    review.draft
                    and reverse(
                        "conduct:draft-edit", kwargs={"code_slug": review.code.slug, "number": review.draft.number}
                    )
                    or review
                )
    return render(request, "conduct/review_detail.html", {"review": review, "form": form})


@administrator_required
def review_schedule_edit(request, code_slug, number):
    version = get_object_or_404(
        CodeVersion.objects.select_related("code"),
        code__slug=code_slug,
        number=number,
        status__in=[CodeVersion.Status.PUBLISHED, CodeVersion.Status.DRAFT],
    )
    form = ReviewScheduleForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.code_version_set_review_schedule(version=version, actor=request.user, **form.cleaned_data)
        except services.ConductError as error:
            form.add_error(None, error)  # tied to the field the rule refuses
        else:
            messages.success(request, "The review schedule is saved.")
            return redirect("conduct:review-calendar")
    return render(request, "conduct/review_schedule_form.html", {"version": version, "form": form})


def bad_request(request, exception=None):
    """A request Django refused before any view: most often a paste larger than it accepts."""
    too_large = isinstance(exception, RequestDataTooBig)
    if too_large and (import_page := _code_import_too_large(request)) is not None:
        return import_page
    context = {"too_large": too_large, "limit_mb": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024), 1)}
    return render(request, "400.html", context, status=413 if too_large else 400)


def _code_import_too_large(request):
    """A code pasted into its import page that is too large to read: the form again, the reason by
    the text box (nothing of the paste can be kept), for an administrator; None for anything else."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name != "conduct:code-import" or not selectors.is_administrator(request.user):
        return None
    code, draft = _code_without_draft(match.kwargs["code_slug"])
    form = CodeDocumentForm({}, too_large=True)
    form.is_valid()
    context = {"code": code, "draft": draft, "form": form}
    return render(request, "conduct/code_import.html", context, status=413)


def healthz(request):
    """For the load balancer: 200 while the database answers, 503 otherwise. It also says
    whether the workers consume, for monitoring: the web serves on without them."""
    try:
        beat_at = worker_health.last_heartbeat()
    except DatabaseError:
        return JsonResponse({"database": "unavailable"}, status=503)
    late = worker_health.heartbeat_late(beat_at, now=timezone.now())
    return JsonResponse({"database": "ok", "workers": "late" if late else "ok"})
