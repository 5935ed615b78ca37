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

`ImportPages` puts these together into a kind's six pages (upload, template, job,
progress, confirm, cancel) for views that have checked who may import where.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from blkk_portal.celery import TaskQueueUnavailable
from blkk_portal.forms import PortalForm
from blkk_portal.pages import paginate, see_other

from .kinds import ROW, ImportKind, ImportRefused
from .models import ImportJob, ImportStatus
from .reading import MAX_FILE_BYTES, MAX_ROWS, FileRefused, too_large
from .services import import_cancel, import_confirm, import_preview, import_progress
from .workbook import XLSX_CONTENT_TYPE, template_workbook

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from blkk_portal.accounts.models import User

ROWS_PER_PAGE = 50
# Earlier imports listed under the upload form.
HISTORY_SIZE = 10
# The uploader's fields the pages show (with `PROGRESS_FIELDS`, for `only()`).
_USER_FIELDS = ("username", "full_name")
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


# --- the pages of one kind ---------------------------------------------------------


@dataclass(frozen=True)
class ImportPages:
    """The pages of one import kind, for an app's views to call once they have
    checked who may import where (the BLKK, the batch: 404 for anyone else).

    URL names: `url_name` (the upload form and the earlier imports), and
    `url_name` + `-template`, `-job`, `-progress`, `-confirm`, `-cancel`; the
    job's pages take the upload's arguments (`args`) then the job's id. `jobs` is
    the imports a page may show (this kind, this BLKK or batch); a job itself is
    shown to its uploader only (anyone else: 404). The app's view decorates the
    upload with `bounded_upload` and the confirmation with
    `transaction.non_atomic_requests` (Django reads it on the view itself).
    """

    kind: ImportKind
    url_name: str
    upload_template: str
    job_template: str
    file_name: str
    notes: tuple[StrOrPromise, ...] = ()

    def urls(
        self, args: Sequence[Any], job: ImportJob | None = None, *, after: str = ""
    ) -> dict[str, str]:
        urls = {
            "upload": reverse(self.url_name, args=args),
            "template": reverse(f"{self.url_name}-template", args=args),
            "after": after,
        }
        if job is not None:
            for step in ("confirm", "cancel", "progress"):
                urls[step] = reverse(f"{self.url_name}-{step}", args=[*args, job.pk])
        return urls

    def job_url(self, args: Sequence[Any], pk: int) -> str:
        return reverse(f"{self.url_name}-job", args=[*args, pk])

    def upload(
        self,
        request: HttpRequest,
        *,
        form: UploadForm,
        owner_key: Callable[[], str],
        jobs: QuerySet[ImportJob],
        args: Sequence[Any],
        context: dict[str, Any],
        about: Callable[[ImportJob], str] | None = None,
        history: int = HISTORY_SIZE,
    ) -> HttpResponse:
        """The upload form and the earlier imports (`about(job)`: what each was
        for, when `jobs` spans several, as months); a valid POST is checked and
        its preview kept (`owner_key()`: what the rows go into, read once the
        form is valid), then shown at its own address (303)."""
        if request.method == "POST" and form.is_valid():
            try:
                job = import_preview(
                    kind=self.kind,
                    upload=form.cleaned_data["file"],
                    by=_signed_in(request),
                    owner_key=owner_key(),
                )
            except (FileRefused, ImportRefused) as refused:
                form.add_error("file", refused.message)
            else:
                return see_other(self.job_url(args, job.pk))
        earlier = list(
            jobs.defer("rows", "errors", "notices").select_related("created_by")[
                :history
            ]
        )
        for job in earlier:
            job.url = self.job_url(args, job.pk)  # type: ignore[attr-defined]
            job.about = about(job) if about else ""  # type: ignore[attr-defined]
        context = {
            **context,
            "form": form,
            "jobs": earlier,
            "urls": self.urls(args),
            "limits": {"rows": MAX_ROWS, "megabytes": MAX_FILE_BYTES // (1024 * 1024)},
        }
        status = 400 if form.errors else 200
        return render(request, self.upload_template, context, status=status)

    def template(self) -> HttpResponse:
        return template_response(
            self.kind,
            notes=[str(note) for note in self.notes],
            file_name=self.file_name,
        )

    def own_job(
        self,
        request: HttpRequest,
        jobs: QuerySet[ImportJob],
        pk: int,
        *,
        fields: tuple[str, ...] = (),
    ) -> ImportJob:
        """The user's own job among `jobs` (anyone else's: 404)."""
        own = jobs.filter(kind=self.kind.name, created_by=_signed_in(request))
        own = own.select_related("created_by")
        if fields:
            own = own.only(*fields, *(f"created_by__{name}" for name in _USER_FIELDS))
        return get_object_or_404(own, pk=pk)

    def job(
        self,
        request: HttpRequest,
        *,
        jobs: QuerySet[ImportJob],
        pk: int,
        args: Sequence[Any],
        context: dict[str, Any] | Callable[[ImportJob], dict[str, Any]],
        after: str | Callable[[ImportJob], str] = "",
    ) -> HttpResponse:
        """A preview with every row and its errors, a run's progress, or its
        result. `context` (the app's layout's) and `after` (where the written rows
        are seen) may depend on the job."""
        job = self.own_job(request, jobs, pk)
        if callable(context):
            context = context(job)
        if callable(after):
            after = after(job)
        context = {
            **context,
            "urls": self.urls(args, job, after=after),
            **job_context(request, job, self.kind),
        }
        return render(request, self.job_template, context)

    def progress(
        self,
        request: HttpRequest,
        *,
        jobs: QuerySet[ImportJob],
        pk: int,
        args: Sequence[Any],
        after: str = "",
    ) -> HttpResponse:
        """The fragment htmx polls (without the rows: a poll reads little)."""
        job = self.own_job(request, jobs, pk, fields=PROGRESS_FIELDS)
        context = {"urls": self.urls(args, job, after=after), **progress_context(job)}
        return render(request, "imports/_progress.html", context)

    def confirm(
        self,
        request: HttpRequest,
        *,
        jobs: QuerySet[ImportJob],
        pk: int,
        args: Sequence[Any],
    ) -> HttpResponse:
        """Queue the run, once (call it outside the request's transaction, so that
        a broker that does not take it is answered here)."""
        job = self.own_job(request, jobs, pk)
        try:
            import_confirm(job=job, by=_signed_in(request))
        except ImportRefused as refused:
            messages.error(request, refused.message)
        except TaskQueueUnavailable as unavailable:
            messages.error(request, str(unavailable))
        return see_other(self.job_url(args, pk))

    def cancel(
        self,
        request: HttpRequest,
        *,
        jobs: QuerySet[ImportJob],
        pk: int,
        args: Sequence[Any],
    ) -> HttpResponse:
        job = self.own_job(request, jobs, pk)
        import_cancel(job=job, by=_signed_in(request))
        return see_other(self.urls(args)["upload"])


def _signed_in(request: HttpRequest) -> User:
    # The app's view let only one of the BLKK's managers through.
    return cast("User", request.user)
