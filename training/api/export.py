"""`GET /api/v1/trainees/export/`: the trainees the caller reaches, as a CSV file.

The trainee list's scope (`visible_to`), filters (`blkk`, `province`) and search (a
name, or a whole NIK for those who see it whole), in the order people were
registered: by id, which the primary key's index serves (the list's order by name
cost the national file 3 s more in the database, docs/performance-export.md). The
file is written by `training.exports` (masking, formula guard, streaming, audit).
Ministry staff, province staff and BLKK managers export; a mentor gets 403.
Throttled per user (`EXPORT_RATE`). Errors answer JSON like every other endpoint,
whatever the client's `Accept`.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission, IsAuthenticated

from blkk_portal.api.schema import DETAIL, PortalAutoSchema
from blkk_portal.api.viewsets import ScopedAccess
from training.exports import (
    EXPORT_REFUSED_ROLE,
    ExportRateThrottle,
    may_export_trainees,
    trainee_csv_response,
)
from training.models import Trainee

from .views import TraineeFilter, TraineeViewSet


class MayExportTrainees(BasePermission):
    message = EXPORT_REFUSED_ROLE

    def has_permission(self, request, view) -> bool:
        return may_export_trainees(request.user)


class JsonAnswers(BaseContentNegotiation):
    """The file is CSV whatever is asked for; an error is JSON, as everywhere in
    the API (DRF would answer 406 to `Accept: text/csv`, or render an error as CSV)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportSchema(PortalAutoSchema):
    def get_filter_backends(self):
        # A list, in CSV: the trainee list's filters and search.
        return getattr(self.view, "filter_backends", [])


class TraineeExportApi(ScopedAccess, generics.GenericAPIView):
    queryset = Trainee.objects.all()
    filterset_class = TraineeFilter
    search_fields = TraineeViewSet.search_fields
    # A term with digits is a whole NIK, refused (400) to those who see NIKs masked.
    digit_search = TraineeViewSet.digit_search
    pagination_class = None
    permission_classes = [IsAuthenticated, MayExportTrainees]
    content_negotiation_class = JsonAnswers
    # Not HEAD: it would read (and audit) a whole scope to send nothing.
    http_method_names = ["get", "options"]
    schema = ExportSchema()

    def refine_queryset(self, queryset):
        return queryset.with_full_nik_flag(self.request.user)

    def get_throttles(self):
        return [ExportRateThrottle(), *super().get_throttles()]

    @extend_schema(
        operation_id="trainees_export",
        summary="The trainees you reach, as a CSV file",
        description=(
            "The trainee list's rows (same scope, filters and search), by id, as "
            "`text/csv` with a UTF-8 byte order mark, streamed; the columns are the "
            "list's fields, NIKs masked as the list masks them. Ministry staff, "
            "provincial staff and BLKK managers; a mentor gets 403. Throttled per user "
            "(`EXPORT_RATE`, default 3/min)."
        ),
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="The file (an attachment)."
            ),
            403: OpenApiResponse(
                DETAIL, description="A mentor: exports are for staff."
            ),
            429: OpenApiResponse(
                DETAIL,
                description="Too many exports in a short time; `Retry-After` says when "
                "to try again.",
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        rows = self.filter_queryset(self.get_queryset())
        return trainee_csv_response(
            user=request.user,
            rows=rows.order_by("id"),
            query=request.get_full_path(),
        )
