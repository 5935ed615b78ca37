"""Admin for the BLKK registry and training records, scoped like everything else."""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from blkk_portal.admin_base import (
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ScopedAdmin,
    ScopedHistoryAdmin,
)

from . import services
from .forms import person_label, sees_birth_dates
from .managers import NikSearchRefused, sees_whole_niks, whole_nik_condition
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


class NikSearchMixin:
    """For admins whose search finds people by NIK (`=nik` or `=trainee__nik`).

    A NIK is not an oracle: a search term with a digit in it looks only among the
    people whose NIK the user sees whole, and a user who sees NIKs masked gets a 400
    page that says so (the autocomplete widgets' search gets a 400 too).
    `person_path` leads from the admin's model to the person ("" for Trainee).
    """

    person_path = "trainee__"

    def get_search_results(self, request, queryset, search_term):
        if any(character.isdigit() for character in search_term):
            people = Trainee.objects.searchable_by_nik(request.user)
            queryset = queryset.filter(
                **{f"{self.person_path}pk__in": people.values("pk")}
            )
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except NikSearchRefused as refused:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Search not available"),
                "opts": self.model._meta,
                "message": refused.message,
            }
            return TemplateResponse(
                request, "admin/nik_search_refused.html", context, status=400
            )


def full_nik_visible(request, trainee: Trainee) -> bool:
    """Whether the user sees this person's NIK whole: from the list's annotation
    when there is one, else asked of the database (a historical version, say)."""
    flag = getattr(trainee, "full_nik_visible", None)
    if flag is not None:
        return flag
    condition = whole_nik_condition(request.user)
    if condition is None:
        return False
    return not condition or Trainee.objects.filter(condition, pk=trainee.pk).exists()


class ReferenceDataAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Regions come from the official Kemendagri file and change only with it."""

    search_fields = ["code", "name"]


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
class TraineeAdmin(NikSearchMixin, ScopedHistoryAdmin):
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
    person_path = ""
    autocomplete_fields = ["blkk", "regency"]
    date_hierarchy = "registered_on"

    def get_queryset(self, request):
        return super().get_queryset(request).with_full_nik_flag(request.user)

    def choice_queryset(self, request, queryset):
        return queryset.with_full_nik_flag(request.user)

    def choice_label(self, request, trainee: Trainee) -> str:
        """A person in pickers and autocomplete results: name, birth date and the
        NIK as the user may see it (`training.forms.person_label`)."""
        trainee.full_nik_visible = full_nik_visible(request, trainee)
        return person_label(trainee, birth_date=sees_birth_dates(request.user))

    @admin.display(description=_("NIK"), ordering="nik")
    def shown_nik(self, obj: Trainee) -> str:
        return obj.nik if obj.full_nik_visible else mask_nik(obj.nik)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            self._record_views(request, changelist.result_list, one=False)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_page_view(request, response)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        self._record_page_view(request, response)
        return response

    def _record_page_view(self, request, response) -> None:
        trainee = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and trainee is not None:
            trainee.full_nik_visible = full_nik_visible(request, trainee)
            self._record_views(request, [trainee], one=True)

    def _record_views(self, request, trainees, *, one: bool) -> None:
        services.trainee_views_record(
            user=request.user,
            trainees=trainees,
            query=request.get_full_path(),
            one=one,
        )

    def get_sortable_by(self, request):
        # Sorted by NIK, a list of masked NIKs would still tell their order.
        sortable = super().get_sortable_by(request)
        if sees_whole_niks(request.user):
            return sortable
        return [name for name in sortable if name != "shown_nik"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not full_nik_visible(request, obj):
            fields = ["shown_nik" if f == "nik" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        # Kept on the object for `shown_nik`: a historical version (the history
        # page) comes without the list's annotation.
        obj.full_nik_visible = full_nik_visible(request, obj)
        if not obj.full_nik_visible:
            readonly.append("shown_nik")
        if not request.user.sees_everything:
            readonly += self._kept_by_others(request, obj)
        return readonly

    def _kept_by_others(self, request, obj: Trainee) -> list[str]:
        """Fields this manager may not change (the service refuses them too): the
        BLKK, and all but the phone at a BLKK that only enrolled the person."""
        if obj.blkk_id in services.managed_blkk_ids(request.user):
            return ["blkk"]
        return [
            field.name
            for field in Trainee._meta.fields
            if field.editable and field.name not in {"id", "nik", "phone"}
        ]


@admin.register(Enrollment)
class EnrollmentAdmin(NikSearchMixin, ScopedHistoryAdmin):
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


class PersonRecordAdmin(NikSearchMixin, ScopedHistoryAdmin):
    """Certifications and outcomes: the BLKK a record belongs to is shown, and
    fixed once recorded for everyone but ministry staff."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.sees_everything:
            readonly.append("recorded_by_blkk")
        return readonly


@admin.register(Certification)
class CertificationAdmin(PersonRecordAdmin):
    services = services.CERTIFICATIONS
    list_display = ["trainee", "scheme", "lsp_name", "issued_on", "result", "number"]
    list_filter = [("trainee__blkk__regency__province", PROVINCE_FILTER), "result"]
    list_select_related = ["trainee"]
    search_fields = ["=trainee__nik", "trainee__full_name", "scheme", "number"]
    autocomplete_fields = ["trainee"]
    readonly_fields = ["valid_until"]
    date_hierarchy = "issued_on"


@admin.register(GraduateOutcome)
class GraduateOutcomeAdmin(PersonRecordAdmin):
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
