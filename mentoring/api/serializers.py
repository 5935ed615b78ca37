"""API serializers of the mentoring app (DESIGN.md, "REST API contract")."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from blkk_portal.api.fields import PortalPrimaryKeyRelatedField, ScopedRelatedField
from blkk_portal.api.serializers import PortalModelSerializer
from incubator.models import Venture
from mentoring import services
from mentoring.models import Mentor, MentorAssignment, MentoringSession
from training.models import Blkk


class MentorSerializer(PortalModelSerializer):
    user = PortalPrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        allow_null=True,
        required=False,
        help_text=_("The mentor's login, if they have one."),
    )
    home_blkk = ScopedRelatedField(
        queryset=Blkk.objects.all(),
        rows_for=Blkk.objects.visible_to,
        allow_null=True,
        required=False,
    )

    class Meta:
        model = Mentor
        services = services.MENTORS
        fields = [
            "id",
            "user",
            "full_name",
            "expertise",
            "affiliation",
            "home_blkk",
            "max_active_assignments",
        ]


class MentorAssignmentSerializer(PortalModelSerializer):
    mentor = ScopedRelatedField(
        queryset=Mentor.objects.all(), rows_for=Mentor.objects.visible_to
    )
    venture = ScopedRelatedField(
        queryset=Venture.objects.all(),
        rows_for=Venture.objects.visible_to,
        allow_null=True,
        required=False,
    )
    blkk = ScopedRelatedField(
        queryset=Blkk.objects.all(),
        rows_for=Blkk.objects.visible_to,
        allow_null=True,
        required=False,
    )

    class Meta:
        model = MentorAssignment
        services = services.ASSIGNMENTS
        fields = ["id", "mentor", "venture", "blkk", "start_date", "end_date", "status"]


class MentoringSessionSerializer(PortalModelSerializer):
    assignment = ScopedRelatedField(
        queryset=MentorAssignment.objects.all(),
        rows_for=MentorAssignment.objects.visible_to,
    )
    mentor = serializers.IntegerField(
        source="assignment.mentor_id", read_only=True, help_text=_("The mentor's id.")
    )

    class Meta:
        model = MentoringSession
        services = services.SESSIONS
        fields = [
            "id",
            "assignment",
            "mentor",
            "held_on",
            "duration_minutes",
            "mode",
            "topics",
            "notes",
            "action_items",
            "mentee_rating",
            "recorded_by",
        ]
        read_only_fields = ["recorded_by"]
