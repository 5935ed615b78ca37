"""What an import's pages share, whichever app shows them.

An app's import pages (`training/views/imports.py` for trainees) check who may
import where, then use these: `UploadForm` (the field `file`), `bounded_upload` (an
upload over the limit is not stored, only measured), `job_context` (a job's
preview, progress or result for `templates/imports/`), and `template_response`
(the kind's .xlsx template). The templates are partials, included in the app's
own layout:

- `imports/_upload.html`: the form, the link to the template, the limits;
  context `form`, `urls` (`upload`, `template`).
- `imports/_job.html`: a job's page body: its notices and preview with every row
  and its errors (and Confirm only when no row has one), its progress (polled by
  htmx every second, no script of the page's own), or its result; context from
  `job_context`, and `urls` (`confirm`, `cancel`, `progress`, `upload`, `after`:
  where the written rows are seen).
- `imports/_progress.html`: the polled fragment alone (`progress_context`, and
  `urls`); load the job with `.only(*PROGRESS_FIELDS)`.
- `imports/_history.html`: earlier imports, with who, when and rows written
  (`jobs`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from blkk_portal.forms import PortalForm
from blkk_portal.pages import paginate

from .kinds import ROW, ImportKind
from .models import ImportJob, ImportStatus
from .reading import MAX_FILE_BYTES, too_large
from .services import import_progress
from .workbook import XLSX_CONTENT_TYPE, template_workbook

ROWS_PER_PAGE = 50
_TOO_LARGE = "_import_upload_too_large"


class UploadLimit(FileUploadHandler):
    """Stops storing an upload once it passes `limit` bytes: the rest of the
    request is read and thrown away, and the view says the file is too large."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            setattr(self.request, _TOO_LARGE, True)
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def bounded_upload(view: Callable) -> Callable:
    """`view` with its uploads limited to the import's size. The upload handlers
    must be set before anything reads the POST, and the CSRF check reads it: so
    the check runs inside (Django's documented way)."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def bounded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            handlers = list(request.upload_handlers)
            request.upload_handlers = [UploadLimit(request, MAX_FILE_BYTES), *handlers]
        return protected(request, *args, **kwargs)

    return bounded


class UploadForm(PortalForm):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An Excel Workbook (.xlsx) or a CSV file, made from the template."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-"
                "officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = bool(
            request is not None and getattr(request, _TOO_LARGE, False)
        )

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", too_large())
        return cleaned


def template_response(
    kind: ImportKind, *, notes=(), file_name: str = ""
) -> HttpResponse:
    """The kind's template as a download."""
    name = file_name or f"{slugify(str(kind.title))}-template.xlsx"
    response = HttpResponse(
        template_workbook(kind, notes=notes), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def job_context(request: HttpRequest, job: ImportJob, kind: ImportKind) -> dict:
    """What `imports/_job.html` shows of `job`: its progress, and while its rows
    are kept (a preview, a failed run) a page of them, only the rows with errors
    unless `?rows=all`."""
    context: dict[str, Any] = {
        **progress_context(job),
        "kind": kind,
        "columns": kind.columns,
    }
    if not job.rows:
        return context
    errors = job.errors or {}
    everything = request.GET.get("rows") == "all" or not errors
    rows = job.rows if everything else [r for r in job.rows if str(r["line"]) in errors]
    page = paginate(request, rows, per_page=ROWS_PER_PAGE)
    page.object_list = [
        _table_row(row, errors.get(str(row["line"]), {}), kind)
        for row in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context |= {
        "page": page,
        "query": query.urlencode(),
        "all_rows": everything,
        "can_filter": bool(errors) and len(errors) < len(job.rows),
    }
    return context


def progress_context(job: ImportJob) -> dict:
    """What `imports/_progress.html` shows; reads neither the rows nor the errors
    (a poll every second must stay small)."""
    return {
        "job": job,
        "progress": import_progress(job),
        "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
    }


# The fields `progress_context` reads, for `ImportJob.objects.only(...)`.
PROGRESS_FIELDS = (
    "kind",
    "owner_key",
    "created_by",
    "status",
    "total_rows",
    "rows_done",
    "rows_written",
    "message",
    "finished_at",
)


def _table_row(row: dict, errors: dict, kind: ImportKind) -> dict:
    shown = row.get("shown", {})
    labels = {column.key: capfirst(str(column.label)) for column in kind.columns}
    return {
        "line": row["line"],
        "bad": bool(errors),
        "title": shown.get(kind.title_column, "") if kind.title_column else "",
        # Every problem of the row with its column's label, for the list a phone
        # reads without scrolling the table sideways.
        "problems": [
            {"label": labels.get(column, ""), **problem}
            for column, problems in errors.items()
            for problem in problems
        ],
        "cells": [
            {
                "key": column.key,
                "shown": shown.get(column.key, ""),
                "errors": errors.get(column.key, []),
            }
            for column in kind.columns
        ],
        "row_errors": errors.get(ROW, []),
    }
