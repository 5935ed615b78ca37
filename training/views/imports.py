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

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blkk_portal.imports import pages
from blkk_portal.imports.models import ImportJob

from ..imports import TRAINEES
from .blkks import BlkkHere, blkk_page

TEMPLATE_NOTE = _(
    "A person already registered, here or at another BLKK, is not registered "
    "again: enroll them in one of this BLKK's batches by their NIK."
)
TRAINEE_PAGES = pages.ImportPages(
    kind=TRAINEES,
    url_name="trainee-import",
    upload_template="training/trainee_import.html",
    job_template="training/trainee_import_job.html",
    file_name="peserta-template.xlsx",
    notes=(TEMPLATE_NOTE,),
)


def _ensure_importer(here: BlkkHere) -> None:
    """404 unless the user manages this BLKK and may register people."""
    if not here.writable or not here.user.has_perm("training.add_trainee"):
        raise Http404


def _jobs(here: BlkkHere) -> QuerySet[ImportJob]:
    """The imports of this BLKK's trainees."""
    return ImportJob.objects.filter(kind=TRAINEES.name, owner_key=str(here.blkk.pk))


def _after(here: BlkkHere) -> str:
    return reverse("trainee-list", args=[here.blkk.code])


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
    return TRAINEE_PAGES.upload(
        request,
        form=form,
        owner_key=lambda: str(here.blkk.pk),
        jobs=_jobs(here),
        args=[here.blkk.code],
        context={"here": here},
    )


@require_GET
@blkk_page
def trainee_import_template(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    _ensure_importer(here)
    return TRAINEE_PAGES.template()


@require_GET
@blkk_page
def trainee_import_job(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """A preview with every row and its errors, a run's progress, or its result."""
    _ensure_importer(here)
    return TRAINEE_PAGES.job(
        request,
        jobs=_jobs(here),
        pk=pk,
        args=[here.blkk.code],
        context={"here": here},
        after=_after(here),
    )


@require_GET
@blkk_page
def trainee_import_progress(
    request: HttpRequest, here: BlkkHere, pk: int
) -> HttpResponse:
    """The progress fragment htmx polls (without the rows: a poll reads little)."""
    _ensure_importer(here)
    return TRAINEE_PAGES.progress(
        request, jobs=_jobs(here), pk=pk, args=[here.blkk.code], after=_after(here)
    )


@transaction.non_atomic_requests
@require_POST
@blkk_page
def trainee_import_confirm(
    request: HttpRequest, here: BlkkHere, pk: int
) -> HttpResponse:
    """Queue the run, once (outside the request's transaction, so that a broker
    that does not take it is answered here)."""
    _ensure_importer(here)
    return TRAINEE_PAGES.confirm(
        request, jobs=_jobs(here), pk=pk, args=[here.blkk.code]
    )


@require_POST
@blkk_page
def trainee_import_cancel(
    request: HttpRequest, here: BlkkHere, pk: int
) -> HttpResponse:
    _ensure_importer(here)
    return TRAINEE_PAGES.cancel(request, jobs=_jobs(here), pk=pk, args=[here.blkk.code])
