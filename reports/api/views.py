"""API viewsets of the reports app: stored progress reports, generating one in the
background, and the background runs."""

from __future__ import annotations

from django.db.models import Prefetch
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

from blkk_portal.api.filters import CodeFilter, MonthFilter
from blkk_portal.api.queueing import queues_tasks
from blkk_portal.api.viewsets import ReadOnlyScopedViewSet
from reports import files, selectors, services
from reports.models import ProgressReport, ReportRun, ReportScope

from . import serializers


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

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        if actions and set(actions.values()) == {"generate"}:
            # Its run is committed and its task published within the request, so a
            # broker that does not answer is this request's 503 (the run failed).
            return queues_tasks(view)
        return view

    @extend_schema(
        request=serializers.ReportGenerateSerializer,
        responses={
            202: GenerationAccepted,
            503: OpenApiResponse(
                description="The task queue is not answering: nothing was queued."
            ),
        },
    )
    @action(detail=False, methods=["post"], permission_classes=[IsAuthenticated])
    def generate(self, request):
        """Generate one scope's report for a month, in the background (202); 503
        with `Retry-After` when the task queue does not answer (nothing queued)."""
        data = serializers.ReportGenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scope, code = data.validated_data["scope"], data.validated_data["scope_code"]
        if not selectors.report_generation_allowed(request.user, scope, code):
            raise PermissionDenied(_("You may not generate this report."))
        run = services.report_generate_async(
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
        return files.report_file_response(self.get_object(), kind)


class ReportRunViewSet(ReadOnlyScopedViewSet):
    """Background generations: yours, or all of them for ministry staff."""

    # Annotated, so a list costs the same for 5 runs or 200; ordered explicitly, as
    # the GROUP BY keeps no default ordering and pages need one.
    queryset = (
        ReportRun.objects.with_progress()
        .prefetch_related(
            Prefetch("reports", queryset=ProgressReport.objects.only("pk"))
        )
        .order_by("-created_at", "-pk")
    )
    serializer_class = serializers.ReportRunSerializer

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)
