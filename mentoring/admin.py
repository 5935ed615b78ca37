"""Admin for mentors, their assignments and sessions."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from blkk_portal.admin_base import (
    ReadOnlyInline,
    ScopedAdmin,
    ScopedHistoryAdmin,
    ServiceCheckedForm,
)

from . import services
from .models import Mentor, MentorAssignment, MentoringSession

RELATED_ONLY = admin.RelatedOnlyFieldListFilter


class AssignmentInline(ReadOnlyInline):
    model = MentorAssignment
    fields = ["venture", "blkk", "start_date", "end_date", "status"]
    readonly_fields = fields


@admin.register(Mentor)
class MentorAdmin(ScopedAdmin):
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


class MentorAssignmentAdminForm(ServiceCheckedForm, forms.ModelForm):
    class Meta:
        model = MentorAssignment
        fields = ["mentor", "venture", "blkk", "start_date", "end_date", "status"]

    def service_check(self, instance: MentorAssignment) -> None:
        services.assignment_ensure_mentor_capacity(assignment=instance)


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(ScopedHistoryAdmin):
    form = MentorAssignmentAdminForm
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

    def save_model(self, request, obj, form, change):
        services.session_save(session=obj, by=request.user)

    def delete_model(self, request, obj):
        services.session_delete(session=obj, by=request.user)
