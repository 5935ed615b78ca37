"""The audit trail in the admin: read by ministry staff only, changed by nobody."""

from __future__ import annotations

from django.contrib import admin

from blkk_portal.admin_base import ReadOnlyAdminMixin

from .models import PersonalDataEvent


@admin.register(PersonalDataEvent)
class PersonalDataEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "username", "action", "subject", "record_id", "rows", "query"]
    list_filter = ["action", "subject"]
    search_fields = ["=username"]
    show_full_result_count = False
    list_per_page = 50

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.sees_everything

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)
