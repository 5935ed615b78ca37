"""API viewsets of the incubator app: cohorts, ventures and their stage, milestones,
monthly metrics."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from blkk_portal.api.filters import IdFilter, MonthFilter
from blkk_portal.api.viewsets import (
    GrowingListViewSet,
    ScopedViewSet,
)
from incubator.models import (
    Cohort,
    Milestone,
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
