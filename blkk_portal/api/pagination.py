"""Pagination: pages for lists that stay small, cursors for lists that grow to millions.

Registry lists (BLKKs, batches, cohorts, ventures...) answer with `count` and page
numbers, which people expect. Trainees, enrollments, sessions and metrics grow with
every person trained: a `COUNT(*)` over them on every page, and an `OFFSET` that reads
and throws away every earlier row, get slower as the tables grow. Their lists use a
cursor over an indexed ordering instead (`next`/`previous` links, no `count`).
"""

from __future__ import annotations

from rest_framework.pagination import CursorPagination, PageNumberPagination

MAX_PAGE_SIZE = 200


class PortalPageNumberPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class PortalCursorPagination(CursorPagination):
    """Cursor over the view's `cursor_ordering` (a unique, indexed ordering)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        return view.cursor_ordering
