"""The base of every API viewset: reads through `visible_to`, writes by role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet
from rest_framework import generics, viewsets
from rest_framework.pagination import BasePagination
from rest_framework.permissions import IsAuthenticated

from blkk_portal.numbers import DIGITS_PATTERN

from .pagination import KeysetCursorPagination, PortalPageNumberPagination
from .permissions import RoleWritePermission
from .serializers import services_of

READ_WRITE_METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]


class _VisibleRows(Protocol):
    def visible_to(self, user) -> QuerySet: ...


if TYPE_CHECKING:
    # What `ScopedAccess` is mixed into, so that mypy knows what `super()` has.
    _ViewBase = generics.GenericAPIView
else:
    _ViewBase = object


class ScopedAccess(_ViewBase):
    """Lists and look-ups see only `visible_to(user)`: outside it, 404.

    Subclasses set `queryset` (with its joins), `serializer_class` and filters, and
    may annotate or narrow the scoped rows in `refine_queryset`. They do not
    override `get_queryset`: the system check `blkk_portal.E003` refuses that. A view
    whose rows really are not scoped says so by defining `dangerously_get_queryset`,
    which is then used instead. `write_action` forces the permission asked for by an
    extra action (the stage endpoint changes a venture, whatever its HTTP method).
    """

    permission_classes = [IsAuthenticated, RoleWritePermission]
    pagination_class: type[BasePagination] | None = PortalPageNumberPagination
    write_action: str | None = None
    # Ids in paths are ASCII digits: DRF's default `[^/.]+` let "/ventures/\u0661/"
    # reach the look-up, which reads it as 1. A resource looked up by code says so.
    lookup_value_regex = DIGITS_PATTERN

    @property
    def write_model(self) -> type[models.Model]:
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} sets no `queryset`.")
        return self.queryset.model

    def get_queryset(self):
        hatch = getattr(self, "dangerously_get_queryset", None)
        if hatch is not None:
            return hatch()
        # The view's queryset has `visible_to` (a ScopedQuerySet, or the report
        # runs' own); DRF's stubs know it only as a QuerySet.
        rows = cast("_VisibleRows", super().get_queryset())
        return self.refine_queryset(rows.visible_to(self.request.user))

    def refine_queryset(self, queryset):
        """Annotate or narrow the rows `visible_to` gave; never widen them."""
        return queryset


class ScopedViewSet(ScopedAccess, viewsets.ModelViewSet):
    """Creates and updates go through the serializer to the model's services;
    deletes go to the model's delete service."""

    http_method_names = READ_WRITE_METHODS

    def perform_destroy(self, instance):
        services_of(self.get_serializer_class()).call_delete(
            instance, by=self.request.user
        )


class GrowingListViewSet(ScopedViewSet):
    """For tables that grow with every person trained: a cursor, no COUNT(*)."""

    pagination_class = KeysetCursorPagination
    # Ends with the unique id, so that a cursor names exactly one row.
    cursor_ordering: tuple[str, ...] = ("-id",)


class ReadOnlyScopedViewSet(ScopedAccess, viewsets.ReadOnlyModelViewSet):
    """Reads only; extra actions may still accept POST (report generation)."""
