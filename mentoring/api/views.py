"""API viewsets of the mentoring app: mentors, assignments, sessions."""

from __future__ import annotations

from django_filters import rest_framework as filters

from blkk_portal.api.filters import IdFilter
from blkk_portal.api.viewsets import GrowingListViewSet, ScopedViewSet
from mentoring.models import Mentor, MentorAssignment, MentoringSession

from . import serializers


class MentorViewSet(ScopedViewSet):
    queryset = Mentor.objects.all()
    serializer_class = serializers.MentorSerializer
    search_fields = ["full_name", "expertise"]
    ordering_fields = ["full_name"]


class MentorAssignmentFilter(filters.FilterSet):
    mentor = IdFilter(field_name="mentor_id")
    venture = IdFilter(field_name="venture_id")

    class Meta:
        model = MentorAssignment
        fields = ["mentor", "venture"]


class MentorAssignmentViewSet(ScopedViewSet):
    queryset = MentorAssignment.objects.all()
    serializer_class = serializers.MentorAssignmentSerializer
    filterset_class = MentorAssignmentFilter
    ordering_fields = ["start_date"]


class MentoringSessionFilter(filters.FilterSet):
    assignment = IdFilter(field_name="assignment_id")
    mentor = IdFilter(field_name="assignment__mentor_id")
    held_after = filters.DateFilter(
        field_name="held_on", lookup_expr="gte", help_text="On or after this date."
    )
    held_before = filters.DateFilter(
        field_name="held_on", lookup_expr="lte", help_text="On or before this date."
    )

    class Meta:
        model = MentoringSession
        fields = ["assignment", "mentor", "held_after", "held_before"]


class MentoringSessionViewSet(GrowingListViewSet):
    queryset = MentoringSession.objects.select_related("assignment")
    serializer_class = serializers.MentoringSessionSerializer
    filterset_class = MentoringSessionFilter
    # Newest first; the (held_on) index serves it, the id breaks ties.
    cursor_ordering = ("-held_on", "-id")
