"""API serializers of the incubator app (DESIGN.md, "REST API contract")."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from blkk_portal.api.fields import (
    AsciiDateField,
    MonthField,
    OnlyWritableRow,
    ScopedManyRelatedField,
    ScopedRelatedField,
    bounded_text,
)
from blkk_portal.api.serializers import PortalModelSerializer
from incubator import services
from incubator.models import (
    Cohort,
    Milestone,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
)
from training.models import Blkk, Trainee


class CohortSerializer(PortalModelSerializer):
    blkk = ScopedRelatedField(
        queryset=Blkk.objects.all(),
        rows_for=Blkk.objects.writable_by,
        default=OnlyWritableRow(Blkk.objects.writable_by),
        help_text=_("Defaults to your BLKK when you manage exactly one."),
    )

    class Meta:
        model = Cohort
        services = services.COHORTS
        fields = [
            "id",
            "blkk",
            "name",
            "year",
            "start_date",
            "end_date",
            "status",
            "applications_open_on",
            "applications_close_on",
        ]


class StageChangeSerializer(serializers.ModelSerializer):
    """One entry of a venture's stage history, or a move asked for by POST."""

    from_stage = serializers.ChoiceField(
        choices=Stage.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Empty for the first entry, when the venture was created."),
    )
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    changed_on = AsciiDateField(required=False, help_text=_("Defaults to today."))
    note = bounded_text(required=False, allow_blank=True, default="")

    class Meta:
        model = StageChange
        fields = [
            "id",
            "venture",
            "from_stage",
            "to_stage",
            "changed_on",
            "changed_by",
            "note",
        ]
        read_only_fields = ["venture", "changed_by"]

    def create(self, validated_data):
        return services.venture_change_stage(
            venture=self.context["venture"],
            to_stage=validated_data["to_stage"],
            changed_on=validated_data.get("changed_on") or timezone.localdate(),
            note=validated_data.get("note", ""),
            by=self.context["request"].user,
        )


class VentureSerializer(PortalModelSerializer):
    cohort = ScopedRelatedField(
        queryset=Cohort.objects.all(), rows_for=Cohort.objects.writable_by
    )
    founders = ScopedManyRelatedField(
        rows_for=Trainee.objects.writable_by,
        min_length=1,
        help_text=_("Ids of the trainees who founded it."),
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        default=Stage.PRE_INCUBATION,
        help_text=_("Set on create only; later moves go through the stage endpoint."),
    )
    stage_history = StageChangeSerializer(
        source="stage_changes", many=True, read_only=True
    )

    class Meta:
        model = Venture
        services = services.VENTURES
        fields = [
            "id",
            "cohort",
            "name",
            "sector",
            "founders",
            "stage",
            "nib",
            "started_on",
            "stage_history",
        ]


class MilestoneSerializer(PortalModelSerializer):
    venture = ScopedRelatedField(
        queryset=Venture.objects.all(), rows_for=Venture.objects.writable_by
    )

    class Meta:
        model = Milestone
        services = services.MILESTONES
        fields = ["id", "venture", "title", "due_on", "done_on"]


class VentureMetricSerializer(PortalModelSerializer):
    venture = ScopedRelatedField(
        queryset=Venture.objects.all(), rows_for=Venture.objects.taking_metrics_from
    )
    period = MonthField(help_text=_("The month, as YYYY-MM."))

    class Meta:
        model = VentureMetric
        services = services.METRICS
        fields = ["id", "venture", "period", "revenue", "workers", "customers"]
