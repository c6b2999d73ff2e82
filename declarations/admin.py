from django.contrib import admin

from conduct.admin import ReadOnlyAdmin

from . import services
from .models import Declaration, DeclarationEvent, DeclarationPolicy, DeclarationRevision, ManagementAction


@admin.register(DeclarationPolicy)
class DeclarationPolicyAdmin(admin.ModelAdmin):
    list_display = ["partnership", "gift_threshold", "late_after_days", "cash_must_be_declined"]
    list_select_related = ["partnership"]

    def get_readonly_fields(self, request, obj=None):
        return ["partnership"] if obj else []

    def save_model(self, request, obj, form, change):
        # Through the same service as the app's policies page, so the change is checked and audited.
        services.declaration_policy_change(
            partnership=obj.partnership,
            actor=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data if name != "partnership"},
        )
        obj.pk = DeclarationPolicy.objects.values_list("pk", flat=True).get(partnership=obj.partnership)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RevisionInline(ReadOnlyInline):
    model = DeclarationRevision
    fields = [
        "number",
        "is_nil",
        "kind",
        "situation",
        "counterparty_organisation",
        "counterparty_name",
        "description",
        "arose_on",
        "ends_on",
        "value",
        "cash_or_vouchers",
        "outcome",
        "submitted_at",
        "submitted_by",
    ]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = DeclarationEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "note", "notified_at"]
    readonly_fields = fields


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    """Declarations change only through the app's pages, so that every change is
    recorded; the admin shows them, their revisions and their history read-only."""

    list_display = [
        "pk",
        "declarant",
        "organisation",
        "partnership",
        "status",
        "is_late",
        "first_submitted_at",
        "withheld_at",
    ]
    list_filter = ["status", "is_late", "partnership"]
    list_select_related = ["declarant", "organisation", "partnership"]
    search_fields = ["declarant__first_name", "declarant__last_name", "revisions__counterparty_name"]
    inlines = [RevisionInline, EventInline]


@admin.register(ManagementAction)
class ManagementActionAdmin(ReadOnlyAdmin):
    list_display = ["revision", "kind", "details", "created_by", "created_at"]
    list_select_related = ["revision", "created_by"]
