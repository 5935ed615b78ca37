"""Pagination: pages for lists that stay small, keyset cursors for lists that grow.

Registry lists (BLKKs, batches, cohorts, ventures...) answer with `count` and page
numbers, which people expect. Trainees, enrollments, sessions and metrics grow with
every person trained: a `COUNT(*)` over them on every page, and an `OFFSET` that reads
and throws away every earlier row, get slower as the tables grow. Their lists use a
keyset cursor instead (`next`/`previous` links, no `count`).

Why not DRF's `CursorPagination`: its cursor keeps only the first ordering field and
skips rows that share it by an offset capped at 1,000, so past 1,000 equal values
(every venture's metrics of one month) `next` returned the same page forever
(docs/benchmarks.md). Here the cursor holds every ordering field, the last being the
unique id, so each page starts exactly after the previous one, at any depth.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import (
    BasePagination,
    PageNumberPagination,
    _positive_int,
)
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from blkk_portal.numbers import is_ascii_digits

from . import parsers

MAX_PAGE_SIZE = 200


def page_size_of(request, param: str, default: int) -> int:
    """The `page_size` asked for, at most MAX_PAGE_SIZE; the default for anything
    but ASCII digits (DRF's `int()` would read "\u0661\u0660" as 10)."""
    asked = request.query_params.get(param)
    if asked is None or not is_ascii_digits(asked):
        return default
    try:
        return _positive_int(asked, strict=True, cutoff=MAX_PAGE_SIZE)
    except ValueError:
        return default


class CountWhenNeededPaginator(Paginator):
    """Django's paginator, reading the page before counting: a page that is not
    full tells the count by itself (the rows before it, plus its own), so the
    `COUNT(*)` runs only for a full page (issue #14: most managers' and mentors'
    lists fit on one page). A page past the end is still `EmptyPage`, and
    `count`, `num_pages` and the links are Django's."""

    def page(self, number):
        if "count" in self.__dict__ or self.orphans:
            # Counted already (`page=last` asks for the page count first).
            return super().page(number)
        number = self._validate_lower_bound(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if len(rows) < self.per_page:
            self.__dict__["count"] = bottom + len(rows)
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]

    def _validate_lower_bound(self, number) -> int:
        """`validate_number` without its upper bound, which needs the count."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


class PortalPageNumberPagination(PageNumberPagination):
    django_paginator_class = CountWhenNeededPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return page_size_of(request, self.page_size_query_param, self.page_size)

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)
        if not is_ascii_digits(str(number)):
            # What any other page that is not a number answers.
            raise NotFound(self.invalid_page_message)
        return number


def keyset_after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows strictly after `values` in `ordering` (each field `name` or `-name`).

    For (a, b): a > x OR (a = x AND b > y), plus the redundant `a >= x`, which gives
    the index scan a starting point (an OR alone makes PostgreSQL read the index from
    its first row).
    """
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for field, value in zip(ordering, values, strict=True):
        name = field.lstrip("-")
        after = "lt" if field.startswith("-") else "gt"
        condition |= equal_so_far & Q(**{f"{name}__{after}": value})
        equal_so_far &= Q(**{name: value})
    first = ordering[0]
    bound = "lte" if first.startswith("-") else "gte"
    return Q(**{f"{first.lstrip('-')}__{bound}": values[0]}) & condition


def reversed_ordering(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in ordering)


class KeysetCursorPagination(BasePagination):
    """Keyset pagination over the view's `cursor_ordering`, whose last field is `id`."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 50
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = _("Invalid cursor")

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.ordering = tuple(view.cursor_ordering)
        size = self.get_page_size(request)
        backwards, values = self.decode_cursor(request)
        ordering = reversed_ordering(self.ordering) if backwards else self.ordering
        try:
            if values is not None:
                queryset = queryset.filter(keyset_after(ordering, values))
            rows = list(queryset.order_by(*ordering)[: size + 1])
        except (ValidationError, ValueError, TypeError) as error:
            raise NotFound(self.invalid_cursor_message) from error
        more = len(rows) > size
        page = rows[:size]
        if backwards:
            page.reverse()
        started = values is not None
        self.has_next = more if not backwards else started
        self.has_previous = started if not backwards else more
        self.page = page
        return page

    def get_page_size(self, request) -> int:
        return page_size_of(request, self.page_size_query_param, self.page_size)

    def decode_cursor(self, request) -> tuple[bool, list | None]:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return False, None
        try:
            data = parsers.loads(base64.urlsafe_b64decode(encoded.encode("ascii")))
            backwards, values = bool(data["b"]), list(data["v"])
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeError):
            raise NotFound(self.invalid_cursor_message) from None
        if len(values) != len(self.ordering) or not _is_id(values[-1]):
            raise NotFound(self.invalid_cursor_message)
        return backwards, values

    def _link(self, row, backwards: bool) -> str:
        values = [_plain(_field_value(row, f.lstrip("-"))) for f in self.ordering]
        payload = json.dumps({"b": int(backwards), "v": values}, separators=(",", ":"))
        encoded = base64.urlsafe_b64encode(payload.encode()).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        return self._link(self.page[-1], backwards=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.page:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self._link(self.page[0], backwards=True)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The pagination cursor value (from `next`/`previous`).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (at most {MAX_PAGE_SIZE}).",
                "schema": {"type": "integer"},
            },
        ]


def _is_id(value) -> bool:
    """The cursor's last value is the row's id, a JSON integer (never text, which the
    database would read with Python's `int()`)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _field_value(row, name: str):
    return row.pk if name in ("id", "pk") else getattr(row, name)


def _plain(value):
    """A JSON-safe form of an ordering value that filters back to the same value."""
    return value.isoformat() if hasattr(value, "isoformat") else value
