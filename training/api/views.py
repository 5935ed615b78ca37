"""API viewsets of the training app: `/api/v1/provinces/` to `grade-assessments/`."""

from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from blkk_portal.api.filters import BooleanFilter, CodeFilter, IdFilter
from blkk_portal.api.viewsets import (
    GrowingListViewSet,
    ReadOnlyScopedViewSet,
    ScopedViewSet,
)
from training import services
from training.managers import NikSearchRefused
from training.models import (
    Blkk,
    Certification,
    Enrollment,
    GradeAssessment,
    GraduateOutcome,
    Partner,
    Partnership,
    Placement,
    Province,
    Regency,
    Trainee,
    TrainingBatch,
    VocationalField,
)
from training.programme_records import (
    PARTNERSHIP_PURPOSES,
    Instructor,
    InstructorQualification,
)

from . import serializers


class ProvinceViewSet(ReadOnlyScopedViewSet):
    queryset = Province.objects.all()
    serializer_class = serializers.ProvinceSerializer
    lookup_value_regex = r"[0-9]{2}"


class RegencyFilter(filters.FilterSet):
    province = CodeFilter(field_name="province_id")

    class Meta:
        model = Regency
        fields = ["province"]


class RegencyViewSet(ProvinceViewSet):
    queryset = Regency.objects.all()
    serializer_class = serializers.RegencySerializer
    filterset_class = RegencyFilter
    lookup_value_regex = r"[0-9]{2}\.[0-9]{2}"


class VocationalFieldViewSet(ScopedViewSet):
    queryset = VocationalField.objects.all()
    serializer_class = serializers.VocationalFieldSerializer
    search_fields = ["code", "name"]


class BlkkFilter(filters.FilterSet):
    province = CodeFilter(field_name="regency__province_id")
    regency = CodeFilter(field_name="regency_id")
    vocational_field = CodeFilter(field_name="vocational_fields__code")
    grade = filters.ChoiceFilter(choices=Blkk.Grade.choices)
    is_incubator = BooleanFilter()

    class Meta:
        model = Blkk
        fields = ["province", "regency", "vocational_field", "grade", "is_incubator"]


class BlkkViewSet(ScopedViewSet):
    queryset = Blkk.objects.prefetch_related("vocational_fields")
    serializer_class = serializers.BlkkSerializer
    filterset_class = BlkkFilter
    search_fields = ["name", "code", "host_institution"]
    ordering_fields = ["code", "name", "established_year"]


class TrainingBatchFilter(filters.FilterSet):
    blkk = IdFilter(field_name="blkk_id")

    class Meta:
        model = TrainingBatch
        fields = ["blkk"]


class TrainingBatchViewSet(ScopedViewSet):
    queryset = TrainingBatch.objects.select_related("vocational_field")
    serializer_class = serializers.TrainingBatchSerializer
    filterset_class = TrainingBatchFilter
    search_fields = ["name"]
    ordering_fields = ["start_date", "name"]


class TraineeFilter(filters.FilterSet):
    blkk = IdFilter(field_name="blkk_id", help_text="The registering BLKK.")
    province = CodeFilter(
        field_name="blkk__regency__province_id",
        help_text="Province of the registering BLKK.",
    )

    class Meta:
        model = Trainee
        fields = ["blkk", "province"]


class TraineeViewSet(GrowingListViewSet):
    queryset = Trainee.objects.all()
    serializer_class = serializers.TraineeSerializer
    filterset_class = TraineeFilter
    # A name is matched anywhere in it; a term with digits is a whole NIK (see
    # `digit_search`).
    search_fields = ["full_name"]
    # Alphabetical, as people look for someone; `trainee_name_idx` serves it.
    cursor_ordering = ("full_name", "id")

    def refine_queryset(self, queryset):
        return queryset.with_full_nik_flag(self.request.user)

    def paginate_queryset(self, queryset):
        self.shown = super().paginate_queryset(queryset)
        return self.shown

    def get_object(self):
        trainee = super().get_object()
        self.shown = [trainee]
        return trainee

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            services.trainee_views_record(
                user=request.user,
                trainees=getattr(self, "shown", None) or [],
                query=request.get_full_path(),
                one=self.detail,
            )
        return response

    def digit_search(self, queryset, term: str):
        """A whole NIK, found by its unique index (docs/benchmarks.md: 257 ms ->
        under 5 ms), among the people whose NIK the caller sees whole. A NIK is not
        an oracle: a caller who sees NIKs masked gets 400, not one row or none."""
        try:
            rows = queryset.searchable_by_nik(self.request.user)
        except NikSearchRefused as refused:
            raise ValidationError({"search": [str(refused)]}) from refused
        return rows.filter(nik=term)


class EnrollmentFilter(filters.FilterSet):
    batch = IdFilter(field_name="batch_id")
    trainee = IdFilter(field_name="trainee_id")
    status = filters.ChoiceFilter(choices=Enrollment.Status.choices)

    class Meta:
        model = Enrollment
        fields = ["batch", "trainee", "status"]


class EnrollmentViewSet(GrowingListViewSet):
    queryset = Enrollment.objects.all()
    serializer_class = serializers.EnrollmentSerializer
    filterset_class = EnrollmentFilter
    cursor_ordering = ("-created_at", "-id")


class CertificationFilter(filters.FilterSet):
    trainee = IdFilter(field_name="trainee_id")

    class Meta:
        model = Certification
        fields = ["trainee"]


class CertificationViewSet(ScopedViewSet):
    queryset = Certification.objects.all()
    serializer_class = serializers.CertificationSerializer
    filterset_class = CertificationFilter
    ordering_fields = ["issued_on"]


class GraduateOutcomeFilter(filters.FilterSet):
    trainee = IdFilter(field_name="trainee_id")
    status = filters.ChoiceFilter(choices=GraduateOutcome.Status.choices)

    class Meta:
        model = GraduateOutcome
        fields = ["trainee", "status"]


class GraduateOutcomeViewSet(ScopedViewSet):
    queryset = GraduateOutcome.objects.all()
    serializer_class = serializers.GraduateOutcomeSerializer
    filterset_class = GraduateOutcomeFilter
    ordering_fields = ["surveyed_on"]


# --- placements -----------------------------------------------------------------------


class PlacementFilter(filters.FilterSet):
    trainee = IdFilter(field_name="trainee_id")
    partner = IdFilter(field_name="partner_id")
    kind = filters.ChoiceFilter(choices=Placement.Kind.choices)
    status = filters.ChoiceFilter(choices=Placement.Status.choices)
    blkk = IdFilter(
        field_name="trainee__blkk_id",
        help_text=(
            "The trainee's registering BLKK, whose KPIs count the placement (not "
            "the BLKK that recorded it)."
        ),
    )

    class Meta:
        model = Placement
        fields = ["trainee", "partner", "kind", "status", "blkk"]


class PlacementViewSet(ScopedViewSet):
    queryset = Placement.objects.all()
    serializer_class = serializers.PlacementSerializer
    filterset_class = PlacementFilter
    ordering_fields = ["start_date"]


# --- instructors and qualifications ---------------------------------------------------


class InstructorFilter(filters.FilterSet):
    blkk = IdFilter(field_name="blkk_id")
    vocational_field = CodeFilter(
        field_name="vocational_fields__code", help_text="A trade's code."
    )
    is_active = BooleanFilter()

    class Meta:
        model = Instructor
        fields = ["blkk", "vocational_field", "is_active"]


class InstructorViewSet(ScopedViewSet):
    queryset = Instructor.objects.prefetch_related(
        "vocational_fields", "qualifications"
    )
    serializer_class = serializers.InstructorSerializer
    filterset_class = InstructorFilter
    search_fields = ["full_name"]
    ordering_fields = ["full_name"]


class InstructorQualificationFilter(filters.FilterSet):
    instructor = IdFilter(field_name="instructor_id")
    kind = filters.ChoiceFilter(choices=InstructorQualification.Kind.choices)

    class Meta:
        model = InstructorQualification
        fields = ["instructor", "kind"]


class InstructorQualificationViewSet(ScopedViewSet):
    queryset = InstructorQualification.objects.all()
    serializer_class = serializers.InstructorQualificationSerializer
    filterset_class = InstructorQualificationFilter
    ordering_fields = ["issued_on", "valid_until"]


# --- partners and partnerships --------------------------------------------------------


class PartnerFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Partner.Kind.choices)

    class Meta:
        model = Partner
        fields = ["kind"]


class PartnerViewSet(ScopedViewSet):
    queryset = Partner.objects.all()
    serializer_class = serializers.PartnerSerializer
    filterset_class = PartnerFilter
    search_fields = ["name"]
    ordering_fields = ["name"]


class PartnershipFilter(filters.FilterSet):
    blkk = IdFilter(field_name="blkk_id")
    partner = IdFilter(field_name="partner_id")
    purpose = filters.ChoiceFilter(
        field_name="purposes", choices=PARTNERSHIP_PURPOSES, help_text="A purpose code."
    )
    is_active = BooleanFilter(
        method="filter_is_active",
        help_text="In force today (Asia/Jakarta): started, and not ended.",
    )

    class Meta:
        model = Partnership
        fields = ["blkk", "partner", "purpose", "is_active"]

    def filter_is_active(self, queryset, name, value):
        # Decided by the database, with the rule `PartnershipQuerySet.active_on` keeps.
        today = timezone.localdate()
        if value:
            return queryset.active_on(today)
        active = Partnership.objects.active_on(today)
        return queryset.exclude(pk__in=active.values("pk"))


class PartnershipViewSet(ScopedViewSet):
    queryset = Partnership.objects.prefetch_related("purposes")
    serializer_class = serializers.PartnershipSerializer
    filterset_class = PartnershipFilter
    ordering_fields = ["start_date", "end_date"]


# --- grade assessments ----------------------------------------------------------------


class GradeAssessmentFilter(filters.FilterSet):
    blkk = IdFilter(field_name="blkk_id")
    grade = filters.ChoiceFilter(choices=GradeAssessment.Grade.choices)

    class Meta:
        model = GradeAssessment
        fields = ["blkk", "grade"]


class GradeAssessmentViewSet(ScopedViewSet):
    queryset = GradeAssessment.objects.all()
    serializer_class = serializers.GradeAssessmentSerializer
    filterset_class = GradeAssessmentFilter
    ordering_fields = ["assessed_on"]
