"""API viewsets of the incubator app: cohorts, ventures and their stage, milestones,
monthly metrics, assistance and its status."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from blkk_portal.api.filters import IdFilter, MonthFilter
from blkk_portal.api.viewsets import (
    GrowingListViewSet,
    ScopedViewSet,
)
from incubator import services
from incubator.applications import with_score_for
from incubator.models import (
    ApplicationReview,
    Assistance,
    Cohort,
    CohortApplication,
    Milestone,
    StageChange,
    Venture,
    VentureMetric,
)
from training.models import Trainee

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


# The founders' and co-applicants' ids are all a list shows of them.
TRAINEE_IDS = Trainee.objects.only("pk")


class VentureViewSet(ScopedViewSet):
    queryset = Venture.objects.prefetch_related(
        Prefetch("founders", queryset=TRAINEE_IDS),
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


# --- intake: applications to a cohort and their reviews -------------------------------


class CohortApplicationFilter(filters.FilterSet):
    cohort = IdFilter(field_name="cohort_id")
    status = filters.ChoiceFilter(choices=CohortApplication.Status.choices)
    blkk = IdFilter(field_name="cohort__blkk_id")

    class Meta:
        model = CohortApplication
        fields = ["cohort", "status", "blkk"]


class CohortApplicationViewSet(ScopedViewSet):
    """Applications to the cohorts of the caller's BLKKs (for a mentor, of the BLKKs
    they are assigned to), each with its score as the caller may see it."""

    queryset = CohortApplication.objects.prefetch_related(
        Prefetch("co_applicants", queryset=TRAINEE_IDS)
    )
    serializer_class = serializers.CohortApplicationSerializer
    filterset_class = CohortApplicationFilter
    # By business or applicant name; never by NIK.
    search_fields = ["business_name", "applicant__full_name"]
    ordering_fields = ["received_on", "business_name"]

    def refine_queryset(self, queryset):
        # A grouped query (the score) drops the model's ordering: say it again.
        scored = with_score_for(queryset, self.request.user)
        return scored.order_by("-received_on", "-pk")

    def initial(self, request, *args, **kwargs):
        # Deciding is changing the application.
        self.write_action = "change" if self.action == "decide" else None
        super().initial(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.save()
        # Read back as the list shows it (the score as the caller sees it).
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(
        request=serializers.ApplicationDecisionSerializer,
        responses={
            200: serializers.CohortApplicationSerializer,
            201: OpenApiResponse(
                serializers.CohortApplicationSerializer,
                description=_("Accepted: the venture is created and linked."),
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Shortlist, accept, reject or withdraw the application (400 for a move
        the rules forbid); accepting creates its venture (201)."""
        application = self.get_object()
        decision = serializers.ApplicationDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        decided = services.application_decide(
            application=application, by=request.user, **decision.validated_data
        )
        shown = self.get_serializer(self.get_queryset().get(pk=decided.pk))
        accepted = decided.status == CohortApplication.Status.ACCEPTED
        return Response(
            shown.data,
            status=status.HTTP_201_CREATED if accepted else status.HTTP_200_OK,
        )


class ApplicationReviewFilter(filters.FilterSet):
    application = IdFilter(field_name="application_id")

    class Meta:
        model = ApplicationReview
        fields = ["application"]


class ApplicationReviewViewSet(ScopedViewSet):
    """Reviews: staff read their BLKKs' (ministry every one); a mentor reads only
    their own. Each is written by its reviewer alone."""

    queryset = ApplicationReview.objects.all()
    serializer_class = serializers.ApplicationReviewSerializer
    filterset_class = ApplicationReviewFilter
    ordering_fields = ["created_at"]


# --- assistance (bantuan wirausaha) ---------------------------------------------------


class AssistanceFilter(filters.FilterSet):
    blkk = IdFilter(
        method="filter_blkk",
        help_text=(
            "The BLKK it counts at: the BLKK receiving it, or the BLKK of the cohort "
            "of the venture receiving it."
        ),
    )
    venture = IdFilter(field_name="venture_id")
    year = IdFilter(field_name="year", min_value=2000, max_value=2100)
    kind = filters.ChoiceFilter(choices=Assistance.Kind.choices)
    status = filters.ChoiceFilter(choices=Assistance.Status.choices)

    class Meta:
        model = Assistance
        fields = ["blkk", "venture", "year", "kind", "status"]

    def filter_blkk(self, queryset, name, value):
        return queryset.filter(Q(blkk_id=value) | Q(venture__cohort__blkk_id=value))


class AssistanceViewSet(ScopedViewSet):
    """Ministry staff propose (POST), change and delete assistance; the managers of
    the BLKK it counts at change only its check; everyone reading it sees its
    status history. Moves go through `status/`."""

    # The history in its model's order (by date, then as recorded).
    queryset = Assistance.objects.prefetch_related("status_changes")
    serializer_class = serializers.AssistanceSerializer
    filterset_class = AssistanceFilter
    search_fields = ["description", "=handover_number"]
    ordering_fields = ["year", "proposed_on", "value"]

    @extend_schema(
        request=serializers.AssistanceMoveSerializer,
        responses={201: serializers.AssistanceSerializer},
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def move(self, request, pk=None):
        """Move the assistance to another status and record the move in its status
        history; 201 with the assistance as it now is. 400 for a move the rules
        forbid (or a bad date or handover number), 403 for one the caller's role
        may not make (only ministry staff approve or cancel)."""
        # Moving an assistance is changing it (asked of the object by
        # `get_object`); which moves the role makes is the service's question.
        self.write_action = "change"
        assistance = self.get_object()
        serializer = serializers.AssistanceMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assistance_move(
            assistance=assistance, by=request.user, **serializer.validated_data
        )
        moved = self.get_queryset().get(pk=assistance.pk)
        return Response(self.get_serializer(moved).data, status=status.HTTP_201_CREATED)
