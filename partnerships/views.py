"""Partnership administration in the app: each view checks who is asking, validates a form and calls a service."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from breaches.selectors import policy_for as breach_policy_for
from conduct import selectors, services
from conduct.models import Membership, Partnership, Role
from declarations.selectors import policy_for as declaration_policy_for
from govuk.request_size import size_checked_by_form
from meetings.selectors import policy_for as meeting_policy_for

from . import services as partnership_services
from .forms import (
    AuthenticatorResetForm,
    BreachPolicyForm,
    DeclarationPolicyForm,
    MeetingPolicyForm,
    MembershipEndForm,
    OrganisationJoinForm,
    PartnershipForm,
    PeopleFilterForm,
    PeopleUploadForm,
    PersonForm,
    PersonUpdateForm,
    RoleLabelsForm,
)
from .models import PeopleUpload
from .people_import import ImportFileError, read_table

PAGE_SIZE = 50


def _partnership_for_people(request, slug: str) -> Partnership:
    """The partnership, for someone who manages its people; a 404 for anyone else."""
    partnership = get_object_or_404(Partnership.objects.select_related("code"), slug=slug)
    if not selectors.may_manage_people(request.user, partnership):
        raise PermissionDenied("Only the partnership's administrators and programme managers manage its people.")
    return partnership


def _partnership_to_administer(request, slug: str) -> Partnership:
    partnership = _partnership_for_people(request, slug)
    if not selectors.may_administer(request.user, partnership):
        raise PermissionDenied("Only the partnership's administrators change its details and organisations.")
    return partnership


def _role_choices(request, partnership: Partnership) -> list[tuple[str, str]]:
    """Only an administrator makes someone an administrator."""
    labels = selectors.role_labels(partnership)
    may_administer = selectors.may_administer(request.user, partnership)
    return [(role, labels[role]) for role in Role.values if may_administer or role != Role.ADMINISTRATOR]


def _form_errors_from(form, error: services.ConductError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        form.add_error(None, error.message)


@login_required
def partnership_list(request):
    partnerships = selectors.partnerships_for_administration(request.user)
    if not selectors.is_administrator(request.user) and not partnerships.exists():
        raise PermissionDenied("Only administrators and programme managers manage partnerships.")
    return render(
        request,
        "partnerships/partnership_list.html",
        {"partnerships": partnerships.order_by("name"), "may_create": selectors.is_administrator(request.user)},
    )


@login_required
def partnership_create(request):
    if not selectors.is_administrator(request.user):
        raise PermissionDenied("Only administrators create partnerships.")
    form = PartnershipForm(request.POST or None, button="Create the partnership")
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.partnership_create(actor=request.user, **form.cleaned_data)
        except services.ConductError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{partnership} is created. Add its member organisations next.")
            return redirect(partnership)
    return render(request, "partnerships/partnership_form.html", {"form": form, "partnership": None})


@login_required
def partnership_detail(request, slug):
    partnership = _partnership_for_people(request, slug)
    labels = selectors.role_labels(partnership)
    role_holders = [(labels[held.role], held) for held in selectors.partnership_role_holders(partnership)]
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "memberships": selectors.partnership_memberships(partnership),
            "role_holders": role_holders,
            "may_administer": selectors.may_administer(request.user, partnership),
        },
    )


@login_required
def partnership_edit(request, slug):
    partnership = _partnership_to_administer(request, slug)
    form = PartnershipForm(
        request.POST or None,
        initial={"name": partnership.name, "kind": partnership.kind, "code": partnership.code},
        button="Save",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(partnership=partnership, actor=request.user, **form.cleaned_data)
        except services.ConductError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "The partnership's details are saved.")
            return redirect("partnerships:partnership-detail", slug=partnership.slug)
    return render(request, "partnerships/partnership_form.html", {"form": form, "partnership": partnership})


@login_required
def organisation_add(request, slug):
    partnership = _partnership_to_administer(request, slug)
    form = OrganisationJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.organisation_join(partnership=partnership, actor=request.user, **form.cleaned_data)
        except services.ConductError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{membership.organisation} is a member of {partnership}.")
            return redirect(partnership)
    return render(request, "partnerships/organisation_form.html", {"form": form, "partnership": partnership})


@login_required
def membership_end(request, slug, membership_id):
    partnership = _partnership_to_administer(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"), pk=membership_id, partnership=partnership, ended_on=None
    )
    form = MembershipEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(membership=membership, actor=request.user, **form.cleaned_data)
        except services.ConductError as error:
            form.add_error("ended_on", error.message)
        else:
            messages.success(request, f"{membership.organisation}'s membership has ended, and its signatures with it.")
            return redirect(partnership)
    return render(
        request,
        "partnerships/membership_end.html",
        {"form": form, "partnership": partnership, "membership": membership},
    )


@login_required
def people(request, slug):
    partnership = _partnership_for_people(request, slug)
    form = PeopleFilterForm(request.GET)
    search, waiting_only = form.search, form.waiting_only
    people = account_selectors.with_invitation_waiting(selectors.partnership_people(partnership, query=search))
    if waiting_only:
        people = people.filter(invitation_waiting=True)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = selectors.role_labels(partnership)
    for partner in page:
        partner.role_labels = [labels[held.role] for held in partner.user.roles_here]
    filters = {"q": search, "waiting": "1" if waiting_only else ""}
    return render(
        request,
        "partnerships/people.html",
        {
            "partnership": partnership,
            "form": form,
            "page": page,
            "search": search,
            "waiting_only": waiting_only,
            "may_administer": selectors.may_administer(request.user, partnership),
            # What the pagination links carry over.
            "query": urlencode({name: value for name, value in filters.items() if value}),
        },
    )


@login_required
def person_add(request, slug):
    partnership = _partnership_for_people(request, slug)
    form = PersonForm(
        request.POST or None,
        organisations=selectors.current_member_organisations(partnership),
        role_choices=_role_choices(request, partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = partnership_services.person_add_and_invite(
                actor=request.user, partnership=partnership, **form.cleaned_data
            )
        except services.ConductError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{user.display_name} is added to {partnership}.")
            return redirect("partnerships:people", slug=partnership.slug)
    return render(request, "partnerships/person_form.html", {"form": form, "partnership": partnership})


@login_required
def person_edit(request, slug, partner_id):
    partnership = _partnership_for_people(request, slug)
    partner = selectors.partner_in_partnership(partnership, partner_id)
    role_choices = _role_choices(request, partnership)
    held = [held.role for held in partner.user.roles_here]
    form = PersonUpdateForm(
        request.POST or None,
        initial={
            "name": partner.user.display_name,
            "job_title": partner.job_title,
            "roles": held,
            "organisation_contact": partner.organisation.contact_id == partner.pk,
        },
        role_choices=role_choices,
        organisation=partner.organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_details_set(
                partner=partner,
                partnership=partnership,
                actor=request.user,
                name=form.cleaned_data["name"],
                job_title=form.cleaned_data["job_title"],
                roles=form.cleaned_data["roles"],
                grantable=[role for role, _ in role_choices],
                organisation_contact=form.cleaned_data["organisation_contact"],
            )
        except services.ConductError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{partner.user.display_name}'s details are saved.")
            return redirect("partnerships:people", slug=partnership.slug)
    return render(
        request,
        "partnerships/person_edit.html",
        {
            "form": form,
            "partnership": partnership,
            "partner": partner,
            "invitation": account_selectors.invitation_of(partner.user),
            "has_second_factor": account_selectors.has_second_factor(partner.user),
            "may_reset_authenticator": partner.user_id != request.user.pk
            and selectors.may_administer(request.user, partnership),
        },
    )


@login_required
@require_POST
def person_invite(request, slug, partner_id):
    partnership = _partnership_for_people(request, slug)
    partner = selectors.partner_in_partnership(partnership, partner_id)
    if account_services.invitation_send(user=partner.user, actor=request.user):
        messages.success(
            request, f"A new invitation is on its way to {partner.user.email}. Earlier links no longer work."
        )
    else:
        messages.info(request, f"{partner.user.display_name} already signs in: there is nothing to send.")
    return redirect("partnerships:person-edit", slug=partnership.slug, partner_id=partner.pk)


@login_required
def person_authenticator_reset(request, slug, partner_id):
    """An administrator removes the second factor of someone who lost it, giving a reason."""
    partnership = _partnership_to_administer(request, slug)
    partner = selectors.partner_in_partnership(partnership, partner_id)
    if partner.user_id == request.user.pk:
        raise PermissionDenied("Nobody resets their own authenticator: ask another administrator.")
    form = AuthenticatorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.authenticator_reset(
                user=partner.user, actor=request.user, partnership=partnership, reason=form.cleaned_data["reason"]
            )
        except account_services.TwoFactorError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(
                request,
                f"{partner.user.display_name}'s authenticator is reset. They set up a new one when they next sign in.",
            )
            return redirect("partnerships:person-edit", slug=partnership.slug, partner_id=partner.pk)
    return render(
        request,
        "partnerships/person_authenticator_reset.html",
        {
            "form": form,
            "partnership": partnership,
            "partner": partner,
            "has_second_factor": account_selectors.has_second_factor(partner.user),
        },
    )


@login_required
def role_labels(request, slug):
    partnership = _partnership_to_administer(request, slug)
    current = selectors.role_labels(partnership)
    form = RoleLabelsForm(
        request.POST or None,
        initial={role: label for role, label in current.items() if label != Role(role).label},
    )
    if request.method == "POST" and form.is_valid():
        services.role_labels_set(partnership=partnership, actor=request.user, labels=form.cleaned_data)
        messages.success(request, "The names of the roles are saved.")
        return redirect(partnership)
    return render(request, "partnerships/role_labels.html", {"form": form, "partnership": partnership})


@size_checked_by_form
@login_required
def people_import(request, slug):
    partnership = _partnership_to_administer(request, slug)
    form = PeopleUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            read_table(name=upload.name, file=upload)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            upload.seek(0)
            kept = partnership_services.people_upload_keep(
                actor=request.user,
                partnership=partnership,
                filename=upload.name,
                content=upload.read(),
                full_list=form.cleaned_data["full_list"],
                adds_organisations=form.cleaned_data["adds_organisations"],
            )
            return redirect("partnerships:people-import-preview", slug=partnership.slug, upload_id=kept.pk)
    return render(request, "partnerships/people_import.html", {"form": form, "partnership": partnership})


@login_required
def people_import_preview(request, slug, upload_id):
    partnership = _partnership_to_administer(request, slug)
    upload = get_object_or_404(PeopleUpload, pk=upload_id, partnership=partnership, imported_at=None)
    if request.method == "POST":
        try:
            counts = partnership_services.people_upload_import(upload=upload, actor=request.user)
        except services.ConductError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{counts['created']} people created, {counts['updated']} updated and {counts['unchanged']} unchanged.",
            )
            return redirect("partnerships:people", slug=partnership.slug)
    counts, people = None, 0
    try:
        check = partnership_services.people_upload_check(upload)
    except ImportFileError as error:
        check, problems = None, [(None, str(error))]
    else:
        problems, people = check.problems, check.people
    if check is not None and check.is_valid:
        try:
            counts = partnership_services.people_import(
                actor=request.user,
                partnership=partnership,
                check=check,
                source=upload.filename,
                dry_run=True,
                full_list=upload.full_list,
            )
        except services.ConductError as error:
            problems = [(None, message) for message in error.messages]
    return render(
        request,
        "partnerships/people_import_preview.html",
        {"partnership": partnership, "upload": upload, "problems": problems, "counts": counts, "people": people},
    )


@login_required
def policies(request, slug):
    partnership = _partnership_to_administer(request, slug)
    data = request.POST or None
    declaration_form = DeclarationPolicyForm(data, instance=declaration_policy_for(partnership), prefix="declarations")
    meeting_form = MeetingPolicyForm(data, instance=meeting_policy_for(partnership), prefix="meetings")
    breach_form = BreachPolicyForm(data, instance=breach_policy_for(partnership), prefix="breaches")
    forms = [declaration_form, meeting_form, breach_form]
    if request.method == "POST" and all([form.is_valid() for form in forms]):
        try:
            changed = partnership_services.policies_change(
                partnership=partnership,
                actor=request.user,
                declaration_changes=declaration_form.cleaned_data,
                meeting_changes=meeting_form.cleaned_data,
                breach_changes=breach_form.cleaned_data,
            )
        except services.ConductError as error:
            _form_errors_from(declaration_form, error)
        else:
            messages.success(request, "The policies are saved." if changed else "Nothing was changed.")
            return redirect(partnership)
    return render(
        request,
        "partnerships/policies.html",
        {"partnership": partnership, "forms": forms, "has_errors": any(form.errors for form in forms)},
    )
