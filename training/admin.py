"""Admin for the BLKK registry and training records, scoped like everything else."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from blkk_portal.admin_base import ReadOnlyInline, ScopedAdmin, ScopedHistoryAdmin

from . import services
from .models import (
    BLKK_CONTACT_FIELDS,
    Blkk,
    Certification,
    Enrollment,
    GraduateOutcome,
    Province,
    Regency,
    Trainee,
    TrainingBatch,
    VocationalField,
)
from .validators import mask_nik

PROVINCE_FILTER = admin.RelatedOnlyFieldListFilter


class ReferenceDataAdmin(ScopedAdmin):
    """Regions come from the official Kemendagri file and change only with it."""

    search_fields = ["code", "name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Province)
class ProvinceAdmin(ReferenceDataAdmin):
    list_display = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    list_select_related = ["province"]


@admin.register(VocationalField)
class VocationalFieldAdmin(ScopedAdmin):
    services = services.VOCATIONAL_FIELDS
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Blkk)
class BlkkAdmin(ScopedHistoryAdmin):
    services = services.BLKKS
    list_display = [
        "code",
        "name",
        "host_institution",
        "regency",
        "province_name",
        "grade",
        "lsp_status",
        "is_incubator",
        "is_active",
    ]
    list_filter = [
        ("regency__province", PROVINCE_FILTER),
        ("regency", PROVINCE_FILTER),
        ("vocational_fields", PROVINCE_FILTER),
        "grade",
        "lsp_status",
        "institution_type",
        "is_incubator",
        "is_active",
    ]
    list_select_related = ["regency__province"]
    search_fields = ["code", "name", "host_institution"]
    autocomplete_fields = ["regency", "managers"]
    filter_horizontal = ["vocational_fields"]
    fieldsets = [
        (None, {"fields": ["code", "name", "host_institution", "institution_type"]}),
        (_("Location and contact"), {"fields": ["regency", *BLKK_CONTACT_FIELDS]}),
        (
            _("Programme"),
            {
                "fields": [
                    "established_year",
                    "vocational_fields",
                    "grade",
                    "lsp_status",
                    "is_incubator",
                    "is_active",
                    "managers",
                ]
            },
        ),
    ]

    @admin.display(description=_("province"), ordering="regency__province__name")
    def province_name(self, obj: Blkk) -> str:
        return obj.regency.province.name

    def get_readonly_fields(self, request, obj=None):
        if request.user.sees_everything:
            return ()
        every_field = [f for _title, box in self.fieldsets for f in box["fields"]]
        return [f for f in every_field if f not in BLKK_CONTACT_FIELDS]

    def has_add_permission(self, request) -> bool:
        return request.user.sees_everything

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.sees_everything


class EnrollmentInline(ReadOnlyInline):
    model = Enrollment
    fields = ["trainee", "status", "completed_on"]
    readonly_fields = fields
    autocomplete_fields = ["trainee"]


@admin.register(TrainingBatch)
class TrainingBatchAdmin(ScopedAdmin):
    services = services.BATCHES
    list_display = [
        "name",
        "blkk",
        "vocational_field",
        "start_date",
        "end_date",
        "capacity",
    ]
    list_filter = [
        ("blkk__regency__province", PROVINCE_FILTER),
        ("vocational_field", PROVINCE_FILTER),
    ]
    list_select_related = ["blkk", "vocational_field"]
    search_fields = ["name", "blkk__name", "blkk__code"]
    autocomplete_fields = ["blkk", "vocational_field"]
    date_hierarchy = "start_date"
    inlines = [EnrollmentInline]


@admin.register(Trainee)
class TraineeAdmin(ScopedHistoryAdmin):
    services = services.TRAINEES
    list_display = [
        "shown_nik",
        "full_name",
        "gender",
        "birth_date",
        "blkk",
        "regency",
        "education",
        "registered_on",
    ]
    list_filter = [
        ("blkk__regency__province", PROVINCE_FILTER),
        "gender",
        "education",
        "prior_status",
        "has_disability",
    ]
    list_select_related = ["blkk", "regency"]
    # An exact NIK, or part of a name.
    search_fields = ["=nik", "full_name"]
    autocomplete_fields = ["blkk", "regency"]
    date_hierarchy = "registered_on"

    def get_queryset(self, request):
        return super().get_queryset(request).with_full_nik_flag(request.user)

    @admin.display(description=_("NIK"), ordering="nik")
    def shown_nik(self, obj: Trainee) -> str:
        return obj.nik if obj.full_nik_visible else mask_nik(obj.nik)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not obj.full_nik_visible:
            fields = ["shown_nik" if f == "nik" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.full_nik_visible:
            readonly.append("shown_nik")
        return readonly


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedHistoryAdmin):
    services = services.ENROLLMENTS
    fields = ["trainee", "batch", "status", "completed_on"]
    list_display = ["trainee", "batch", "blkk", "status", "completed_on"]
    list_filter = [
        ("batch__blkk__regency__province", PROVINCE_FILTER),
        ("batch__vocational_field", PROVINCE_FILTER),
        "status",
    ]
    list_select_related = ["trainee", "batch__blkk"]
    search_fields = ["=trainee__nik", "trainee__full_name", "batch__name"]
    autocomplete_fields = ["trainee", "batch"]
    date_hierarchy = "completed_on"

    @admin.display(description=_("BLKK"), ordering="batch__blkk__name")
    def blkk(self, obj: Enrollment):
        return obj.batch.blkk


@admin.register(Certification)
class CertificationAdmin(ScopedHistoryAdmin):
    services = services.CERTIFICATIONS
    list_display = ["trainee", "scheme", "lsp_name", "issued_on", "result", "number"]
    list_filter = [("trainee__blkk__regency__province", PROVINCE_FILTER), "result"]
    list_select_related = ["trainee"]
    search_fields = ["=trainee__nik", "trainee__full_name", "scheme", "number"]
    autocomplete_fields = ["trainee"]
    readonly_fields = ["valid_until"]
    date_hierarchy = "issued_on"


@admin.register(GraduateOutcome)
class GraduateOutcomeAdmin(ScopedHistoryAdmin):
    services = services.OUTCOMES
    list_display = [
        "trainee",
        "surveyed_on",
        "status",
        "employer_or_business",
        "monthly_income",
    ]
    list_filter = [("trainee__blkk__regency__province", PROVINCE_FILTER), "status"]
    list_select_related = ["trainee"]
    search_fields = ["=trainee__nik", "trainee__full_name", "employer_or_business"]
    autocomplete_fields = ["trainee"]
    date_hierarchy = "surveyed_on"
