from django.contrib import admin

from . import services
from .models import BreachCase, BreachPolicy, CaseEmail, CaseEvent


@admin.register(BreachPolicy)
class BreachPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "partnership",
        "repeat_window_months",
        "triage_target_working_days",
        "acknowledgement_days",
        "feedback_months",
        "response_days",
        "panel_size",
        "panel_unanimous",
        "warning_expiry_months",
        "appeal_window_days",
    ]
    list_select_related = ["partnership"]

    def get_readonly_fields(self, request, obj=None):
        return ["partnership"] if obj else []

    def save_model(self, request, obj, form, change):
        # Through the same service as the app's policies page, so the change is checked and audited.
        services.breach_policy_change(
            partnership=obj.partnership,
            actor=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data if name != "partnership"},
        )
        obj.pk = BreachPolicy.objects.values_list("pk", flat=True).get(partnership=obj.partnership)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Cases move only through the app's services, which check roles and record history."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BreachCase)
class BreachCaseAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "partnership", "respondent_organisation", "status", "track", "reported_at"]
    list_filter = ["status", "track", "partnership"]
    list_select_related = ["partnership", "respondent_organisation"]
    inlines = [CaseEventInline]
    exclude = ["receipt_code_sha256"]


@admin.register(CaseEmail)
class CaseEmailAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "created_at", "sent_at", "recipient_count"]
    list_filter = ["kind"]
