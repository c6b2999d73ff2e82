"""The admin shows meetings read-only: they are recorded in the app, through the services."""

from django.contrib import admin

from .models import Meeting, MeetingPolicy


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["partnership", "held_on", "chair", "status"]
    list_filter = ["status", "partnership"]


@admin.register(MeetingPolicy)
class MeetingPolicyAdmin(ReadOnlyAdmin):
    list_display = ["partnership", "financial_interest", "other_interest"]
