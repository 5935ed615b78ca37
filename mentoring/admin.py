"""Admin for mentors, their assignments and sessions."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from blkk_portal.admin_base import ReadOnlyInline, ScopedAdmin, ScopedHistoryAdmin
from blkk_portal.admin_lists import period_filter
from training.admin_filters import province_filter

from . import services
from .models import Mentor, MentorAssignment, MentoringSession

# An assignment goes to a venture (of a cohort of a BLKK) or to a BLKK itself.
ASSIGNMENT_BLKK_PATHS = ("venture__cohort__blkk", "blkk")


class RatingFilter(admin.SimpleListFilter):
    """The mentee's rating, from the fixed scale (1 to 5, or none), rather than from
    the values found among the sessions (a DISTINCT over every session)."""

    title = _("mentee rating")
    parameter_name = "mentee_rating"
    NOT_RATED = "none"

    def lookups(self, request, model_admin):
        return [
            *((str(rating), str(rating)) for rating in range(5, 0, -1)),
            (self.NOT_RATED, _("Not rated")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == self.NOT_RATED:
            return queryset.filter(mentee_rating__isnull=True)
        if value not in {"1", "2", "3", "4", "5"}:
            return queryset.none()
        return queryset.filter(mentee_rating=int(value))


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
    list_filter = ["affiliation", province_filter("home_blkk")]
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
    # Newest first, down the primary key: no index serves the model's ordering (by start
    # date), so every page would sort the whole table (and its joins) first.
    ordering = ["-pk"]
    list_filter = [
        "status",
        province_filter(*ASSIGNMENT_BLKK_PATHS),
        period_filter("start_date", future=True),
    ]
    list_select_related = ["mentor", "venture", "blkk"]
    search_fields = ["mentor__full_name", "venture__name", "blkk__name", "blkk__code"]
    autocomplete_fields = ["mentor", "venture", "blkk"]
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
    list_filter = [
        province_filter(*(f"assignment__{path}" for path in ASSIGNMENT_BLKK_PATHS)),
        "mode",
        RatingFilter,
        period_filter("held_on"),
    ]
    list_select_related = [
        "assignment__mentor",
        "assignment__venture",
        "assignment__blkk",
    ]
    search_fields = ["assignment__mentor__full_name", "assignment__venture__name"]
    autocomplete_fields = ["assignment"]
    exclude = ["recorded_by"]

    @admin.display(description=_("mentor"), ordering="assignment__mentor__full_name")
    def mentor(self, obj: MentoringSession):
        return obj.assignment.mentor

    @admin.display(description=_("venture or BLKK"))
    def mentee(self, obj: MentoringSession):
        return obj.assignment.venture or obj.assignment.blkk
