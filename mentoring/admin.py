"""Admin for mentors, their assignments and sessions."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from blkk_portal.admin_base import ReadOnlyInline, ScopedAdmin, ScopedHistoryAdmin

from . import services
from .models import Mentor, MentorAssignment, MentoringSession

RELATED_ONLY = admin.RelatedOnlyFieldListFilter


class AssignmentInline(ReadOnlyInline):
    model = MentorAssignment
    fields = ["venture", "blkk", "start_date", "end_date", "status"]
    readonly_fields = fields


@admin.register(Mentor)
class MentorAdmin(ScopedAdmin):
    services = services.MENTORS
    list_display = [
        "full_name",
        "affiliation",
        "home_blkk",
        "max_active_assignments",
        "user",
    ]
    list_filter = ["affiliation", ("home_blkk__regency__province", RELATED_ONLY)]
    list_select_related = ["home_blkk", "user"]
    search_fields = ["full_name", "expertise", "user__username"]
    autocomplete_fields = ["user", "home_blkk"]
    inlines = [AssignmentInline]


class SessionInline(ReadOnlyInline):
    model = MentoringSession
    fields = ["held_on", "duration_minutes", "mode", "topics", "mentee_rating"]
    readonly_fields = fields


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(ScopedHistoryAdmin):
    services = services.ASSIGNMENTS
    fields = ["mentor", "venture", "blkk", "start_date", "end_date", "status"]
    list_display = ["mentor", "venture", "blkk", "start_date", "end_date", "status"]
    list_filter = [
        "status",
        ("venture__cohort__blkk__regency__province", RELATED_ONLY),
    ]
    list_select_related = ["mentor", "venture", "blkk"]
    search_fields = ["mentor__full_name", "venture__name", "blkk__name", "blkk__code"]
    autocomplete_fields = ["mentor", "venture", "blkk"]
    date_hierarchy = "start_date"
    inlines = [SessionInline]


@admin.register(MentoringSession)
class MentoringSessionAdmin(ScopedHistoryAdmin):
    services = services.SESSIONS
    list_display = [
        "held_on",
        "mentor",
        "mentee",
        "duration_minutes",
        "mode",
        "mentee_rating",
    ]
    list_filter = ["mode", "mentee_rating"]
    list_select_related = [
        "assignment__mentor",
        "assignment__venture",
        "assignment__blkk",
    ]
    search_fields = ["assignment__mentor__full_name", "assignment__venture__name"]
    autocomplete_fields = ["assignment"]
    date_hierarchy = "held_on"
    exclude = ["recorded_by"]

    @admin.display(description=_("mentor"), ordering="assignment__mentor__full_name")
    def mentor(self, obj: MentoringSession):
        return obj.assignment.mentor

    @admin.display(description=_("venture or BLKK"))
    def mentee(self, obj: MentoringSession):
        return obj.assignment.venture or obj.assignment.blkk
