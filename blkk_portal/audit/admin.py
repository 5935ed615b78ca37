"""The audit trail in the admin: read by ministry staff only, changed by nobody."""

from __future__ import annotations

from django.contrib import admin

from blkk_portal.admin_base import ReadOnlyAdminMixin
from blkk_portal.admin_lists import EstimatedCountPaginator, period_filter

from .models import PersonalDataEvent


@admin.register(PersonalDataEvent)
class PersonalDataEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "username", "action", "subject", "record_id", "rows", "query"]
    # Not the subject: a free-text column, whose filter would list the values of
    # every event (a DISTINCT over the whole trail); it holds a model label.
    list_filter = ["action", period_filter("at")]
    search_fields = ["=username"]
    show_full_result_count = False
    # The trail grows with every list a user opens: its whole count is estimated.
    paginator = EstimatedCountPaginator
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.sees_everything

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)
