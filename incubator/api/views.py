"""API viewsets of the incubator app: cohorts, ventures and their stage, milestones,
monthly metrics."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from blkk_portal.api.filters import CodeFilter, IdFilter, MonthFilter
from blkk_portal.api.viewsets import (
    GrowingListViewSet,
    ReadOnlyScopedViewSet,
    ScopedViewSet,
)
from incubator import reports
from incubator.models import (
    Cohort,
    Milestone,
    ProgressReport,
    ReportRun,
    ReportScope,
    StageChange,
    Venture,
    VentureMetric,
)

from . import serializers


class CohortFilter(filters.FilterSet):
    blkk = IdFilter(field_name="blkk_id")
    status = filters.ChoiceFilter(choices=Cohort._meta.get_field("status").choices)

    class Meta:
        model = Cohort
        fields = ["blkk", "status"]


class CohortViewSet(ScopedViewSet):
    queryset = Cohort.objects.all()
    serializer_class = serializers.CohortSerializer
    filterset_class = CohortFilter
    search_fields = ["name"]
    ordering_fields = ["year", "start_date", "name"]


class VentureFilter(filters.FilterSet):
    cohort = IdFilter(field_name="cohort_id")
    blkk = IdFilter(field_name="cohort__blkk_id")
    stage = filters.ChoiceFilter(choices=Venture._meta.get_field("stage").choices)

    class Meta:
        model = Venture
        fields = ["cohort", "blkk", "stage"]


class VentureViewSet(ScopedViewSet):
    queryset = Venture.objects.prefetch_related(
        "founders",
        Prefetch("stage_changes", queryset=StageChange.objects.order_by("changed_on")),
    )
    serializer_class = serializers.VentureSerializer
    filterset_class = VentureFilter
    search_fields = ["name", "sector", "=nib"]
    ordering_fields = ["name", "started_on"]

    @property
    def write_action(self):
        # Moving a venture's stage is changing the venture.
        return "change" if self.action == "stage" else None

    @extend_schema(
        request=serializers.StageChangeSerializer,
        responses={201: serializers.StageChangeSerializer},
    )
    @action(detail=True, methods=["post"])
    def stage(self, request, pk=None):
        """Move the venture to another stage under the stage rules; 400 if forbidden."""
        venture = self.get_object()
        serializer = serializers.StageChangeSerializer(
            data=request.data,
            context={**self.get_serializer_context(), "venture": venture},
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class MilestoneFilter(filters.FilterSet):
    venture = IdFilter(field_name="venture_id")

    class Meta:
        model = Milestone
        fields = ["venture"]


class MilestoneViewSet(ScopedViewSet):
    queryset = Milestone.objects.all()
    serializer_class = serializers.MilestoneSerializer
    filterset_class = MilestoneFilter
    ordering_fields = ["due_on"]


class VentureMetricFilter(filters.FilterSet):
    venture = IdFilter(field_name="venture_id")
    period = MonthFilter(help_text="The month, as YYYY-MM.")

    class Meta:
        model = VentureMetric
        fields = ["venture", "period"]


class VentureMetricViewSet(GrowingListViewSet):
    queryset = VentureMetric.objects.all()
    serializer_class = serializers.VentureMetricSerializer
    filterset_class = VentureMetricFilter
    # Newest first; the (period) index serves it, the id breaks ties.
    cursor_ordering = ("-period", "-id")


class ProgressReportFilter(filters.FilterSet):
    scope = filters.ChoiceFilter(choices=ReportScope.choices)
    scope_code = CodeFilter()
    period = MonthFilter()

    class Meta:
        model = ProgressReport
        fields = ["scope", "scope_code", "period"]


GenerationAccepted = inline_serializer(
    "ReportGenerationAccepted",
    {
        "task_id": drf_serializers.CharField(),
        "run": drf_serializers.IntegerField(),
        "status": drf_serializers.CharField(),
        "status_url": drf_serializers.URLField(),
    },
)


class ProgressReportViewSet(ReadOnlyScopedViewSet):
    """Stored progress reports; everyone reads the national one (no personal data)."""

    queryset = ProgressReport.objects.all()
    serializer_class = serializers.ProgressReportSerializer
    filterset_class = ProgressReportFilter

    @extend_schema(
        request=serializers.ReportGenerateSerializer,
        responses={202: GenerationAccepted},
    )
    @action(detail=False, methods=["post"], permission_classes=[IsAuthenticated])
    def generate(self, request):
        """Generate one scope's report for a month, in the background (202)."""
        data = serializers.ReportGenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scope, code = data.validated_data["scope"], data.validated_data["scope_code"]
        if not reports.report_generation_allowed(request.user, scope, code):
            raise PermissionDenied(_("You may not generate this report."))
        run = reports.report_generate_async(
            scope=scope,
            scope_code=code,
            period=data.validated_data["period"],
            requested_by=request.user,
        )
        status_url = reverse("api:reportrun-detail", args=[run.pk])
        return Response(
            {
                "task_id": run.task_id,
                "run": run.pk,
                "status": run.status,
                "status_url": request.build_absolute_uri(status_url),
            },
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)
        },
    )
    @action(detail=True, url_path=r"files/(?P<kind>xlsx|csv)", url_name="file")
    def file(self, request, pk=None, kind=None):
        """Download the report's XLSX or CSV file."""
        return reports.report_file_response(self.get_object(), kind)


class ReportRunViewSet(ReadOnlyScopedViewSet):
    """Background generations: yours, or all of them for ministry staff."""

    # Progress as `report_run_progress` counts it: reports whose files were written
    # since the run started; annotated so a list costs the same for 5 runs or 200.
    queryset = ReportRun.objects.annotate(
        done_count=Count(
            "reports", filter=Q(reports__files_generated_at__gte=F("created_at"))
        )
    ).prefetch_related(Prefetch("reports", queryset=ProgressReport.objects.only("pk")))
    # A GROUP BY query keeps no default ordering: pages need an explicit one.
    queryset = queryset.order_by("-created_at", "-pk")
    serializer_class = serializers.ReportRunSerializer

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)
