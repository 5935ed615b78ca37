"""API serializers of the reports app (DESIGN.md, "REST API contract")."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from blkk_portal.api.fields import MonthField
from blkk_portal.api.representation import FastRepresentation
from reports.kpis import GRADES, KPI_KEYS, OUTCOME_STATUSES, PLACEMENT_KINDS
from reports.models import ProgressReport, ReportRun, ReportScope


class ReportFilesSerializer(serializers.Serializer):
    xlsx = serializers.URLField(allow_null=True, help_text=_("Excel workbook."))
    csv = serializers.URLField(allow_null=True, help_text=_("CSV of the KPIs."))


def _counts_schema(choices: tuple[str, ...]) -> dict:
    return {
        "type": "object",
        "properties": {choice: {"type": "integer", "minimum": 0} for choice in choices},
        "required": list(choices),
    }


def _kpi_schema() -> dict:
    properties = {key: {"type": "integer", "minimum": 0} for key in KPI_KEYS}
    properties["mentoring_hours"] = {"type": "number", "minimum": 0}
    properties["outcome_counts"] = _counts_schema(OUTCOME_STATUSES)
    properties["placements_started"] = _counts_schema(PLACEMENT_KINDS)
    properties["blkk_by_grade"] = _counts_schema(GRADES)
    return {
        "type": "object",
        "description": (
            "DESIGN.md's progress report KPIs; every key always present in a report "
            "generated since the KPI exists (a report stored earlier lacks the keys "
            "added after it: regenerate its month to add them)."
        ),
        "properties": properties,
    }


@extend_schema_field(_kpi_schema())
class KpiField(serializers.JSONField):
    """The stored KPI dict, described key by key in the schema."""


class ProgressReportSerializer(FastRepresentation):
    period = MonthField()
    kpis = KpiField(read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "scope",
            "scope_code",
            "period",
            "kpis",
            "generated_at",
            "files",
        ]

    @extend_schema_field(ReportFilesSerializer)
    def get_files(self, report: ProgressReport) -> dict:
        request = self.context["request"]
        return {
            kind: request.build_absolute_uri(
                reverse("api:progressreport-file", args=[report.pk, kind])
            )
            if getattr(report, f"{kind}_file")
            else None
            for kind in ("xlsx", "csv")
        }


class ReportGenerateSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=ReportScope.choices)
    scope_code = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Empty for the country, the province code, or the BLKK's code."),
    )
    period = MonthField()


class ReportRunSerializer(FastRepresentation):
    """A background generation and how far it got."""

    period = MonthField()
    # Annotated by `ReportRun.objects.with_progress()`, as the viewset reads runs.
    done = serializers.IntegerField(source="reports_done", read_only=True)
    reports = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "task_id",
            "scope",
            "scope_code",
            "period",
            "status",
            "reports_total",
            "done",
            "reports",
            "created_at",
            "finished_at",
        ]

    def get_reports(self, run: ReportRun) -> list[int]:
        return [report.pk for report in run.reports.all()]
