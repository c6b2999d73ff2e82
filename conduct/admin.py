from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from . import services
from .models import (
    AuditEntry,
    Code,
    CodeVersion,
    Item,
    Membership,
    Organisation,
    Partner,
    Partnership,
    PartnershipRole,
    Principle,
    Section,
    Signature,
    SignatureRequest,
    SignedText,
    User,
)


def _is_draft(version: CodeVersion | None) -> bool:
    return version is None or version.status == CodeVersion.Status.DRAFT


class UserAddForm(AdminUserCreationForm):
    # The email is unique and every notice goes to it: asked for at once, never left empty.
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "email"]


@admin.register(User)
class ConductUserAdmin(UserAdmin):
    add_form = UserAddForm
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "email", "usable_password", "password1", "password2"]})
    ]


admin.site.site_header = "Conduct administration"
admin.site.site_title = "Conduct"


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ["position", "name"]


class MembershipInline(admin.TabularInline):
    """Shown only: an organisation joins and leaves in the app (Partnerships), whose
    services end its signatures and write the audit log; an end date typed here would not."""

    model = Membership
    fields = ["organisation", "partnership", "started_on", "ended_on", "ended_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    # Named on the person's page, through organisation_contact_set, which audits it.
    readonly_fields = ["contact"]
    inlines = [MembershipInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, edited or deleted here: records people rely on, and people and their
    roles, which the app changes through services that invite them, ask a decision-maker to
    declare on appointment and write the audit log."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organisation", "job_title"]
    list_filter = ["organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    raw_id_fields = ["user"]


@admin.register(PartnershipRole)
class PartnershipRoleAdmin(ReadOnlyAdmin):
    list_display = ["user", "partnership", "role"]
    list_select_related = ["user", "partnership"]


class VersionInline(admin.TabularInline):
    model = CodeVersion
    fields = ["number", "title", "label", "status", "published_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ["title", "owner"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [VersionInline]
    actions = ["start_draft"]

    @admin.action(description="Start a new draft from the latest version")
    def start_draft(self, request, queryset):
        for code in queryset:
            try:
                draft = services.code_version_start_draft(code=code, actor=request.user)
            except services.ConductError as error:
                self.message_user(request, f"{code}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{code}: {draft.draft_name} started.")


class SectionInline(admin.TabularInline):
    """A version's sections, shown in order. They are added, renamed, moved and removed on the
    app's draft page, through the section services, with an audit entry for each change."""

    model = Section
    fields = ["position", "heading"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CodeVersion)
class CodeVersionAdmin(admin.ModelAdmin):
    """Drafts are edited here or in the app; anything that has been published
    is shown read-only, because it can never change."""

    list_display = ["code", "number", "title", "label", "status", "published_at"]
    list_filter = ["status", "code"]
    list_select_related = ["code"]
    fields = [
        "code",
        "number",
        "title",
        "label",
        "version_date",
        "status",
        "preamble",
        "last_full_review_on",
        "light_touch_review_months",
        "full_review_months",
        "published_at",
        "published_by",
        "canonical_sha256",
        "in_the_app",
    ]
    readonly_fields = ["code", "number", "status", "published_at", "published_by", "canonical_sha256", "in_the_app"]
    inlines = [SectionInline]

    def has_add_permission(self, request):
        # New versions are always started from the latest one (Codes › Start a new draft).
        return False

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    @admin.display(description="In the app")
    def in_the_app(self, obj):
        if obj.status == CodeVersion.Status.DRAFT:
            return format_html(
                '<a href="{}">Preview</a> · <a href="{}">Publish…</a>',
                obj.get_absolute_url(),
                reverse("conduct:version-publish", kwargs={"code_slug": obj.code.slug, "number": obj.number}),
            )
        return format_html('<a href="{}">Read it</a>', obj.get_absolute_url())

    def save_model(self, request, obj, form, change):
        # The service locks the version and checks it is still a draft; the admin saves
        # its sections in the same transaction, so they are written under that lock too.
        try:
            services.code_version_edit_draft(
                version=obj,
                actor=request.user,
                summary="Draft edited in the admin",
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except services.ConductError as error:
            raise PermissionDenied(" ".join(error.messages)) from error


class ItemInline(admin.TabularInline):
    """A section's items, shown in the one item tree's order. They are changed in the app, whose item
    form creates, moves and nests them through the services, with an audit entry for each change."""

    model = Item
    fields = ["number", "kind", "parent", "principle", "title", "text"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        # items_in_tree_order as SQL, items nesting one level only: each clause's place, then the
        # clause before its sub-points (test_admin checks the two agree).
        return (
            super()
            .get_queryset(request)
            .select_related("parent", "principle")
            .order_by(
                Coalesce("parent__position", "position"),
                Coalesce("parent_id", "id"),
                F("parent_id").asc(nulls_first=True),
                "position",
                "pk",
            )
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "version", "position"]
    list_select_related = ["version__code"]
    fields = ["version", "position", "heading", "items_in_the_app"]
    readonly_fields = fields
    inlines = [ItemInline]

    @admin.display(description="In the app")
    def items_in_the_app(self, obj):
        version = obj.version
        if version.status != CodeVersion.Status.DRAFT:
            return format_html('<a href="{}">Read them in the app</a>', version.get_absolute_url())
        edit = reverse("conduct:draft-edit", kwargs={"code_slug": version.code.slug, "number": version.number})
        return format_html(
            '<a href="{}">Rename, move or remove it, and add, edit, move and nest its items, in the app</a>', edit
        )

    # Changed only in the app (see SectionInline). Deleting stays permitted for a draft's
    # sections only so that deleting a whole draft version here can take them with it;
    # a section alone is never deleted here, neither from its page nor from the list.
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj.version if obj else None) and super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied("Remove a section on the draft's page in the app.")

    def render_change_form(self, request, context, *args, **kwargs):
        context["show_delete"] = False
        return super().render_change_form(request, context, *args, **kwargs)


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["typed_name", "organisation", "version", "signed_at", "status"]
    list_filter = ["status", "version__code"]
    list_select_related = ["organisation", "version__code"]


@admin.register(SignedText)
class SignedTextAdmin(ReadOnlyAdmin):
    list_display = ["sha256"]


@admin.register(SignatureRequest)
class SignatureRequestAdmin(ReadOnlyAdmin):
    list_display = ["partner", "version", "requested_at", "emailed_at"]
    list_select_related = ["partner__user", "partner__organisation", "version__code"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "at", "actor", "action", "subject_type", "subject_id", "summary"]
    list_filter = ["action", "subject_type"]
    list_select_related = ["actor"]
