"""The user admin's account import: ministry staff upload a spreadsheet of accounts,
see every row with its errors, confirm, and each new account is mailed a link to
set its password.

Pages under the user admin (`accounts/user/import/...` under the admin), on the import
engine (`blkk_portal.imports`) with the accounts kind found by its name
(`imports.ACCOUNTS_IMPORT`, registered by the mentoring app):

- `import/`: the upload form, the template's link and the earlier imports; a POSTed
  file is refused if it carries passwords, else checked and previewed;
- `import/template/`: the .xlsx template;
- `import/<id>/`: a preview, a run's progress (polled by htmx) or its result;
- `import/<id>/progress/`, `confirm/`, `cancel/`.

Ministry staff only (`sees_everything`): anyone else who reaches the admin gets 403,
as for a page their role may not open. A job is its uploader's: 404 for anyone
else's, as for a job that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from blkk_portal.celery import TaskQueueUnavailable
from blkk_portal.imports import pages
from blkk_portal.imports.kinds import ImportKind, ImportRefused, kind_named
from blkk_portal.imports.models import ImportJob
from blkk_portal.imports.reading import MAX_FILE_BYTES, MAX_ROWS, FileRefused
from blkk_portal.imports.services import (
    import_cancel,
    import_confirm,
    import_jobs_of,
    import_preview,
)
from blkk_portal.pages import see_other

from .imports import ACCOUNTS_IMPORT, portal_origin, refuse_passwords
from .services import invite_link_valid_days

HISTORY_SIZE = 10
TEMPLATE_NOTES = [
    _(
        "No password column: each new account is mailed a link to set its own "
        "password, once the import is confirmed."
    ),
    _("Ministry accounts are not imported: add each one in the admin."),
]


def accounts_kind() -> ImportKind:
    return kind_named(ACCOUNTS_IMPORT)


if TYPE_CHECKING:
    # What the mixin is mixed into, so that mypy knows what `self` has.
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class AccountImportAdminMixin(_AdminBase):
    """The import's pages, for the user admin."""

    def import_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/",
                wrap(pages.bounded_upload(self.import_view)),
                name="accounts_user_import",
            ),
            path(
                "import/template/",
                wrap(self.import_template_view),
                name="accounts_user_import_template",
            ),
            path(
                "import/<int:pk>/",
                wrap(self.import_job_view),
                name="accounts_user_import_job",
            ),
            path(
                "import/<int:pk>/progress/",
                wrap(self.import_progress_view),
                name="accounts_user_import_progress",
            ),
            # Outside the request's transaction, so that a broker that does not
            # take the run is answered here (`import_confirm`).
            path(
                "import/<int:pk>/confirm/",
                transaction.non_atomic_requests(wrap(self.import_confirm_view)),
                name="accounts_user_import_confirm",
            ),
            path(
                "import/<int:pk>/cancel/",
                wrap(self.import_cancel_view),
                name="accounts_user_import_cancel",
            ),
        ]

    # --- the pages ------------------------------------------------------------------

    @method_decorator(require_http_methods(["GET", "POST"]))
    def import_view(self, request: HttpRequest) -> HttpResponse:
        _ensure_importer(request)
        kind = accounts_kind()
        posted = request.method == "POST"
        form = pages.UploadForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            request=request,
        )
        if posted and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                refuse_passwords(upload, kind.columns)
                job = import_preview(
                    kind=kind,
                    upload=upload,
                    by=request.user,  # type: ignore[arg-type]
                    owner_key=portal_origin(request),
                )
            except (FileRefused, ImportRefused) as refused:
                form.add_error("file", refused.message)
            else:
                return see_other(_job_url(job.pk))
        jobs = list(
            import_jobs_of(kind=kind, owner_key=portal_origin(request))[:HISTORY_SIZE]
        )
        for job in jobs:
            job.url = _job_url(job.pk)
        context = {
            **self._context(request, _("Import accounts from a spreadsheet")),
            "form": form,
            "jobs": jobs,
            "urls": _urls(),
            "limits": {"rows": MAX_ROWS, "megabytes": MAX_FILE_BYTES // (1024 * 1024)},
            "invite_days": invite_link_valid_days(),
        }
        return TemplateResponse(
            request,
            "admin/accounts/user/import.html",
            context,
            status=400 if form.errors else 200,
        )

    @staticmethod
    @require_GET
    def import_template_view(request: HttpRequest) -> HttpResponse:
        _ensure_importer(request)
        return pages.template_response(
            accounts_kind(),
            notes=[str(note) for note in TEMPLATE_NOTES],
            file_name="akun-template.xlsx",
        )

    @method_decorator(require_GET)
    def import_job_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A preview with every row and its errors, a run's progress, or its
        result."""
        _ensure_importer(request)
        job = _job(request, pk)
        kind = accounts_kind()
        context = {
            **self._context(request, _("Import of %(name)s") % {"name": job.file_name}),
            "urls": _urls(job),
            **pages.job_context(request, job, kind),
        }
        return TemplateResponse(request, "admin/accounts/user/import_job.html", context)

    @staticmethod
    @require_GET
    def import_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
        """The fragment htmx polls while the run goes on."""
        _ensure_importer(request)
        job = _job(request, pk, fields=pages.PROGRESS_FIELDS)
        context = {**pages.progress_context(job), "urls": _urls(job)}
        return TemplateResponse(request, "imports/_progress.html", context)

    @staticmethod
    @require_POST
    def import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
        _ensure_importer(request)
        job = _job(request, pk)
        try:
            import_confirm(job=job, by=request.user)  # type: ignore[arg-type]
        except ImportRefused as refused:
            messages.error(request, refused.message)
        except TaskQueueUnavailable as unavailable:
            messages.error(request, str(unavailable))
        return see_other(_job_url(pk))

    @staticmethod
    @require_POST
    def import_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
        _ensure_importer(request)
        import_cancel(job=_job(request, pk), by=request.user)  # type: ignore[arg-type]
        return see_other(reverse("admin:accounts_user_import"))

    def _context(self, request: HttpRequest, title) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
        }


def _ensure_importer(request: HttpRequest) -> None:
    if not request.user.sees_everything:  # type: ignore[union-attr]
        raise PermissionDenied


def _job(request: HttpRequest, pk: int, *, fields: tuple[str, ...] = ()) -> ImportJob:
    """The user's own account import (anyone else's: 404); `fields` only, when
    given (a progress poll reads neither the rows nor the errors)."""
    jobs = ImportJob.objects.filter(
        kind=ACCOUNTS_IMPORT, created_by=request.user.pk
    ).select_related("created_by")
    if fields:
        jobs = jobs.only(*fields, "created_by__username", "created_by__full_name")
    return get_object_or_404(jobs, pk=pk)


def _job_url(pk: int) -> str:
    return reverse("admin:accounts_user_import_job", args=[pk])


def _urls(job: ImportJob | None = None) -> dict[str, str]:
    urls = {
        "upload": reverse("admin:accounts_user_import"),
        "template": reverse("admin:accounts_user_import_template"),
        "after": reverse("admin:accounts_user_changelist") + "?has_password=no",
    }
    if job is not None:
        for name in ("confirm", "cancel", "progress"):
            urls[name] = reverse(f"admin:accounts_user_import_{name}", args=[job.pk])
    return urls
