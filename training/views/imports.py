"""Importing a BLKK's trainees from a spreadsheet (`/blkk/CODE/trainees/import/`).

Only that BLKK's managers import (DESIGN.md: "others: 404"): ministry and province
staff, who read the BLKK's other pages, get 404 here too, as does anyone who does
not open the BLKK. A job (its preview, progress and result) is its uploader's:
404 for everyone else, another manager of the same BLKK included; the BLKK's
managers all see the list of its imports (who, when, rows written).

The upload is checked and previewed at once (`import_preview`), every row with its
errors; Confirm queues the run (`import_confirm`), whose page polls its progress
with htmx every second until the result.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blkk_portal.celery import TaskQueueUnavailable
from blkk_portal.imports import pages
from blkk_portal.imports.kinds import ImportRefused
from blkk_portal.imports.models import ImportJob
from blkk_portal.imports.reading import MAX_FILE_BYTES, MAX_ROWS, FileRefused
from blkk_portal.imports.services import (
    import_cancel,
    import_confirm,
    import_jobs_of,
    import_preview,
)
from blkk_portal.pages import see_other

from ..imports import TRAINEES
from .blkks import BlkkHere, blkk_page

HISTORY_SIZE = 10
TEMPLATE_NOTE = _(
    "A person already registered, here or at another BLKK, is not registered "
    "again: enroll them in one of this BLKK's batches by their NIK."
)


def _ensure_importer(here: BlkkHere) -> None:
    """404 unless the user manages this BLKK and may register people."""
    if not here.writable or not here.user.has_perm("training.add_trainee"):
        raise Http404


def _owner(here: BlkkHere) -> str:
    return str(here.blkk.pk)


def _urls(here: BlkkHere, job: ImportJob | None = None) -> dict[str, str]:
    code = here.blkk.code
    urls = {
        "upload": reverse("trainee-import", args=[code]),
        "template": reverse("trainee-import-template", args=[code]),
        "after": reverse("trainee-list", args=[code]),
    }
    if job is not None:
        for name in ("confirm", "cancel", "progress"):
            urls[name] = reverse(f"trainee-import-{name}", args=[code, job.pk])
    return urls


def _job(here: BlkkHere, pk: int, *, fields: tuple[str, ...] = ()) -> ImportJob:
    """The user's own import of this BLKK's trainees (anyone else's: 404)."""
    jobs = ImportJob.objects.filter(
        kind=TRAINEES.name, owner_key=_owner(here), created_by=here.user
    ).select_related("created_by")
    if fields:
        jobs = jobs.only(*fields, *(f"created_by__{name}" for name in USER_FIELDS))
    return get_object_or_404(jobs, pk=pk)


USER_FIELDS = ("username", "full_name")


@pages.bounded_upload
@require_http_methods(["GET", "POST"])
@blkk_page
def trainee_import(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The upload form and this BLKK's earlier imports; a POSTed file is checked
    and its preview kept, then shown at its own address."""
    _ensure_importer(here)
    form = pages.UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        request=request,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_preview(
                kind=TRAINEES, upload=upload, by=request.user, owner_key=_owner(here)
            )
        except (FileRefused, ImportRefused) as refused:
            form.add_error("file", refused.message)
        else:
            return see_other(
                reverse("trainee-import-job", args=[here.blkk.code, job.pk])
            )
    jobs = list(import_jobs_of(kind=TRAINEES, owner_key=_owner(here))[:HISTORY_SIZE])
    for job in jobs:
        job.url = reverse(  # type: ignore[attr-defined]
            "trainee-import-job", args=[here.blkk.code, job.pk]
        )
    context = {
        "here": here,
        "form": form,
        "jobs": jobs,
        "urls": _urls(here),
        "limits": {"rows": MAX_ROWS, "megabytes": MAX_FILE_BYTES // (1024 * 1024)},
    }
    status = 400 if form.errors else 200
    return render(request, "training/trainee_import.html", context, status=status)


@require_GET
@blkk_page
def trainee_import_template(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    _ensure_importer(here)
    return pages.template_response(
        TRAINEES,
        notes=[TEMPLATE_NOTE],
        file_name="peserta-template.xlsx",
    )


@require_GET
@blkk_page
def trainee_import_job(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """A preview with every row and its errors, a run's progress, or its result."""
    _ensure_importer(here)
    job = _job(here, pk)
    context = {
        "here": here,
        "urls": _urls(here, job),
        **pages.job_context(request, job, TRAINEES),
    }
    return render(request, "training/trainee_import_job.html", context)


@require_GET
@blkk_page
def trainee_import_progress(
    request: HttpRequest, here: BlkkHere, pk: int
) -> HttpResponse:
    """The progress fragment htmx polls (without the rows: a poll reads little)."""
    _ensure_importer(here)
    job = _job(here, pk, fields=pages.PROGRESS_FIELDS)
    context = {"urls": _urls(here, job), **pages.progress_context(job)}
    return render(request, "imports/_progress.html", context)


@transaction.non_atomic_requests
@require_POST
@blkk_page
def trainee_import_confirm(
    request: HttpRequest, here: BlkkHere, pk: int
) -> HttpResponse:
    """Queue the run, once (outside the request's transaction, so that a broker
    that does not take it is answered here)."""
    _ensure_importer(here)
    job = _job(here, pk)
    try:
        import_confirm(job=job, by=request.user)
    except ImportRefused as refused:
        messages.error(request, refused.message)
    except TaskQueueUnavailable as unavailable:
        messages.error(request, str(unavailable))
    return see_other(reverse("trainee-import-job", args=[here.blkk.code, pk]))


@require_POST
@blkk_page
def trainee_import_cancel(
    request: HttpRequest, here: BlkkHere, pk: int
) -> HttpResponse:
    _ensure_importer(here)
    job = _job(here, pk)
    import_cancel(job=job, by=request.user)
    return see_other(reverse("trainee-import", args=[here.blkk.code]))
