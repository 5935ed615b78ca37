"""The import's steps: preview an uploaded file, confirm it, run it in the
background, and say how far it got.

- `import_preview(kind=..., upload=..., by=..., owner_key=...)` reads the file
  (`reading`), parses each cell with its column's parser, has the kind check every
  row at once, and keeps the result as an `ImportJob` (status previewed). Nothing
  is written. A file that cannot be imported at all raises `FileRefused`.
- `import_confirm(job=..., by=...)` queues the run of a preview without errors,
  once: the job row is locked, and a job that is no longer a preview is returned
  as it is (a second click queues nothing). The task is published after the
  transaction commits; if the broker does not take it, the job is a preview again
  and `TaskQueueUnavailable` says so. Call it outside the request's transaction
  (`transaction.non_atomic_requests`), so that answer reaches the view.
- `import_run(job_id=...)` (the Celery task's body) takes the job, checks every row
  again against the registry as it is now (a NIK registered since the preview),
  and writes all rows or none in one transaction through the kind's `write`. The
  job's "done" commits with the rows. Progress cannot live in that transaction
  (nobody would see it before the end), so it goes to the cache (Redis in
  production), keyed by the job, where `import_progress` reads it; the database
  keeps the result: rows written, by whom, when.

A job is its uploader's: the pages show it to them alone. The rows (personal data)
are dropped once written, and a preview not confirmed within a day expires.
"""

from __future__ import annotations

import datetime
import functools
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from blkk_portal.celery import TaskQueueUnavailable, publish

from . import reading
from .cells import CellError
from .kinds import ImportKind, ImportRefused, Problem, Row, kind_named
from .models import ImportJob, ImportStatus

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from blkk_portal.accounts.models import User

logger = logging.getLogger(__name__)

PREVIEW_LIFETIME = datetime.timedelta(hours=24)
UPLOADS_PER_HOUR = 30
# Rows checked per user and hour (three full files): a file may hold 5,000 NIKs, so
# counting files alone would let one account test 150,000 guessed NIKs an hour.
ROWS_PER_HOUR = 15_000
PROGRESS_SECONDS = 6 * 3600
SHOWN_LENGTH = 80


class RowsRefused(Exception):
    """A run found rows with errors (the registry changed since the preview)."""

    def __init__(self, errors: dict[int, dict[str, list[Problem]]]) -> None:
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors


# --- preview ----------------------------------------------------------------------


def import_preview(
    *, kind: ImportKind, upload: UploadedFile, by: User, owner_key: str
) -> ImportJob:
    """Read `upload`, check every row, and keep the preview; writes no row."""
    _count_upload(by)
    context = kind.context(owner_key=owner_key, by=by)
    table = reading.read_table(
        upload,
        name=upload.name or "",
        size=upload.size or 0,
        columns=kind.columns,
    )
    _count_rows(by, len(table.rows))
    rows, cell_errors, shown = _parse(kind, table)
    checked = kind.check(rows, context)
    errors = _merged(cell_errors, checked.errors)
    _forget_earlier(kind=kind, owner_key=owner_key, by=by)
    return ImportJob.objects.create(
        kind=kind.name,
        owner_key=owner_key,
        file_name=(upload.name or "")[:255],
        created_by=by,
        total_rows=len(rows),
        rows_with_errors=len(errors),
        rows=[
            {"line": row.line, "values": row.values, "shown": shown[row.line]}
            for row in rows
        ],
        errors=_errors_json(errors),
        notices=[*table.notices, *checked.notices],
    )


def _parse(
    kind: ImportKind, table: reading.Table
) -> tuple[list[Row], dict[int, dict[str, list[Problem]]], dict[int, dict]]:
    """Each sheet row's values as its columns' parsers read them; the cells they
    could not read, as errors on their column."""
    by_key = {column.key: column for column in kind.columns}
    rows: list[Row] = []
    errors: dict[int, dict[str, list[Problem]]] = {}
    shown: dict[int, dict[str, str]] = {}
    for sheet_row in table.rows:
        values: dict[str, Any] = {}
        shown[sheet_row.line] = {
            key: _shorten(cell.shown) for key, cell in sheet_row.cells.items()
        }
        for key, cell in sheet_row.cells.items():
            problem = reading.cell_problem(cell)
            if problem is None:
                try:
                    values[key] = by_key[key].parse(cell)
                    continue
                except CellError as error:
                    problem = error.message
            errors.setdefault(sheet_row.line, {})[key] = [Problem(problem)]
        rows.append(Row(line=sheet_row.line, values=values))
    return rows, errors, shown


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "\u2026"


def _merged(
    first: dict[int, dict[str, list[Problem]]],
    then: dict[int, dict[str, list[Problem]]],
) -> dict[int, dict[str, list[Problem]]]:
    """`first`'s errors, and `then`'s on the columns `first` said nothing about
    (a cell that could not be read is not also "required")."""
    merged = {line: dict(columns) for line, columns in first.items()}
    for line, columns in then.items():
        row = merged.setdefault(line, {})
        for column, problems in columns.items():
            if column not in row:
                row[column] = list(problems)
    return merged


def _errors_json(errors: dict[int, dict[str, list[Problem]]]) -> dict:
    return {
        str(line): {
            column: [problem.as_json() for problem in problems]
            for column, problems in columns.items()
        }
        for line, columns in sorted(errors.items())
    }


def _count_upload(by: User) -> None:
    """At most UPLOADS_PER_HOUR previews per user and hour: a preview says, for
    each NIK in the file, whether it is registered, and that must not become a
    way to test thousands of guessed NIKs."""
    if _hourly_count(by, "uploads", 1) > UPLOADS_PER_HOUR:
        raise ImportRefused(
            _("You have uploaded many files in the last hour. Try again in an hour.")
        )


def _count_rows(by: User, rows: int) -> None:
    """At most ROWS_PER_HOUR rows checked per user and hour, for the same reason."""
    if _hourly_count(by, "rows", rows) > ROWS_PER_HOUR:
        raise ImportRefused(
            _(
                "You have checked many rows in the last hour. Try again in an hour, "
                "or split the work over the day."
            )
        )


def _hourly_count(by: User, what: str, add: int) -> int:
    """The user's count of `what` this hour, `add` included; 0 when the cache does
    not answer (that must not stop the work)."""
    hour = timezone.now().strftime("%Y%m%d%H")
    key = f"imports:{what}:{by.pk}:{hour}"
    try:
        cache.add(key, 0, timeout=3600)
        return cache.incr(key, add)
    except Exception:
        logger.warning("%s count not kept for user %s", what, by.pk, exc_info=True)
        return 0


def _forget_earlier(*, kind: ImportKind, owner_key: str, by: User) -> None:
    """Drop the personal data nobody needs any more: the uploader's earlier
    previews of the same import (a new file replaces them), anyone's preview
    older than a day, and the rows of every finished job."""
    now = timezone.now()
    expired = (
        ImportJob.objects.filter(status=ImportStatus.PREVIEWED)
        .filter(created_at__lt=now - PREVIEW_LIFETIME)
        .only("pk")
    )
    replaced = ImportJob.objects.filter(
        status=ImportStatus.PREVIEWED,
        kind=kind.name,
        owner_key=owner_key,
        created_by=by,
    )
    for stale in (expired, replaced):
        stale.update(status=ImportStatus.CANCELLED, finished_at=now, rows=[], errors={})
    ImportJob.objects.filter(
        status__in=(ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED),
        finished_at__lt=now - PREVIEW_LIFETIME,
    ).exclude(rows=[]).update(rows=[], errors={})


def import_cancel(*, job: ImportJob, by: User) -> ImportJob:
    """Drop a preview (its uploader's act); anything else is left as it is."""
    updated = ImportJob.objects.filter(
        pk=job.pk, status=ImportStatus.PREVIEWED, created_by=by
    ).update(
        status=ImportStatus.CANCELLED, finished_at=timezone.now(), rows=[], errors={}
    )
    if updated:
        job.refresh_from_db()
    return job


# --- confirmation -------------------------------------------------------------------


def import_confirm(*, job: ImportJob, by: User) -> ImportJob:
    """Queue the run of `job`'s preview, once; see the module's docstring."""
    with transaction.atomic():
        locked = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job.pk)
            .first()
        )
        if locked is None:
            # Another request is confirming it this moment.
            return ImportJob.objects.get(pk=job.pk)
        if locked.created_by_id != by.pk:
            raise ImportRefused(
                _("Only the person who uploaded the file can confirm it.")
            )
        if locked.status != ImportStatus.PREVIEWED:
            return locked
        if not locked.confirmable:
            raise ImportRefused(nothing_written_while_errors())
        if locked.created_at < timezone.now() - PREVIEW_LIFETIME:
            raise ImportRefused(
                _("This preview is more than a day old: upload the file again.")
            )
        kind_named(locked.kind).context(owner_key=locked.owner_key, by=by)
        locked.status = ImportStatus.QUEUED
        locked.confirmed_at = timezone.now()
        locked.task_id = str(uuid.uuid4())
        locked.message = ""
        locked.save(update_fields=["status", "confirmed_at", "task_id", "message"])
    transaction.on_commit(
        functools.partial(_publish, job_id=locked.pk, task_id=locked.task_id)
    )
    return locked


def nothing_written_while_errors() -> str:
    return _(
        "Nothing is written while any row has an error. Correct the file and "
        "upload it again."
    )


def _publish(*, job_id: int, task_id: str) -> None:
    from .tasks import import_job_run

    try:
        publish(import_job_run, (job_id,), task_id=task_id)
    except TaskQueueUnavailable as error:
        logger.warning("import %s not queued: %r", job_id, error.__cause__)
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.PREVIEWED, confirmed_at=None, task_id=""
        )
        raise TaskQueueUnavailable(
            _(
                "The import cannot start right now: the task queue is not "
                "answering. Nothing was written; confirm again in a few minutes."
            )
        ) from error.__cause__


# --- the run ------------------------------------------------------------------------


def import_run(*, job_id: int) -> None:
    """Check every row again and write them all, or none; see the module's
    docstring. Safe to run twice: a job already finished is left alone, and one
    run at a time holds the job's row while it writes."""
    job = _take(job_id)
    if job is None:
        return
    kind = kind_named(job.kind)
    with translation.override(_language_of(job.created_by)):
        try:
            _write(job_id, kind)
        except ImportRefused as refused:
            import_fail(job_id=job_id, message=refused.message)
        except RowsRefused as refused:
            import_fail(job_id=job_id, message=changed_since(), errors=refused.errors)
        except (IntegrityError, ValidationError) as error:
            # A row the checks passed was refused while writing: someone stored
            # the same person at that moment. Check again to say which.
            logger.info("import %s refused while writing: %r", job_id, error)
            import_fail(
                job_id=job_id,
                message=changed_since(),
                errors=_recheck(job_id, kind),
            )
        except (OperationalError, InterfaceError):
            raise  # the database comes back: the task is retried
        except Exception:
            import_fail(job_id=job_id, message=stopped_on_an_error())
            raise
        finally:
            _progress_forget(job_id)


def stopped_on_an_error() -> str:
    return _("The import stopped on an error; nothing was written.")


def changed_since() -> str:
    return _(
        "Nothing was written: the registry changed since the preview, and some "
        "rows are now refused. Correct them and upload the file again."
    )


def _take(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status not in (
            ImportStatus.QUEUED,
            ImportStatus.RUNNING,
        ):
            return None
        job.status = ImportStatus.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "attempts"])
    _progress_set(job_id, phase="checking", done=0)
    return job


def _write(job_id: int, kind: ImportKind) -> None:
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .get(pk=job_id)
        )
        if job.status != ImportStatus.RUNNING:
            return
        by = job.created_by
        if by is None:
            raise ImportRefused(_("The account that uploaded the file was removed."))
        context = kind.context(owner_key=job.owner_key, by=by)
        checked = kind.check(_rows_of(job), context)
        if checked.errors:
            raise RowsRefused(checked.errors)
        written = kind.write(
            checked.cleaned,
            context,
            by=by,
            progress=functools.partial(_progress_set, job_id, "writing"),
            reason=f"spreadsheet import {job.pk}",
        )
        job.status = ImportStatus.DONE
        job.rows_written = written
        job.rows_done = written
        job.finished_at = timezone.now()
        job.rows = []
        job.errors = {}
        job.save(
            update_fields=[
                "status",
                "rows_written",
                "rows_done",
                "finished_at",
                "rows",
                "errors",
            ]
        )


def _rows_of(job: ImportJob) -> list[Row]:
    return [Row(line=row["line"], values=row["values"]) for row in job.rows]


def _recheck(job_id: int, kind: ImportKind) -> dict[int, dict[str, list[Problem]]]:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.created_by is None:
        return {}
    try:
        context = kind.context(owner_key=job.owner_key, by=job.created_by)
    except ImportRefused:
        return {}
    return kind.check(_rows_of(job), context).errors


def import_fail(
    *,
    job_id: int,
    message: str,
    errors: dict[int, dict[str, list[Problem]]] | None = None,
) -> None:
    """Mark a run failed with `message` (and the rows' errors, when it checked
    them); nothing was written. A job already finished is left as it is."""
    fields: dict[str, Any] = {
        "status": ImportStatus.FAILED,
        "finished_at": timezone.now(),
        "message": message,
    }
    if errors is not None:
        fields |= {"errors": _errors_json(errors), "rows_with_errors": len(errors)}
    ImportJob.objects.filter(
        pk=job_id, status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING)
    ).update(**fields)


def _language_of(user: User | None) -> str:
    return user.language_code if user is not None else settings.LANGUAGE_CODE


# --- progress -----------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far a job got: `phase` is waiting (queued), checking (the rows again),
    writing, or the job's status once it has finished."""

    phase: str
    done: int
    total: int

    @property
    def finished(self) -> bool:
        return self.phase in ("done", "failed", "cancelled")

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0


def _progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


def _progress_set(job_id: int, phase: str, done: int) -> None:
    try:
        cache.set(
            _progress_key(job_id), {"phase": phase, "done": done}, PROGRESS_SECONDS
        )
    except Exception:  # progress is a courtesy; the write goes on without it
        logger.warning("progress of import %s not kept", job_id, exc_info=True)


def _progress_forget(job_id: int) -> None:
    try:
        cache.delete(_progress_key(job_id))
    except Exception:
        logger.warning("progress of import %s not dropped", job_id, exc_info=True)


def import_progress(job: ImportJob) -> Progress:
    """`job`'s progress: from the cache while it runs, from the job once done."""
    total = job.total_rows
    if job.status == ImportStatus.PREVIEWED:
        return Progress("previewed", 0, total)
    if job.status == ImportStatus.QUEUED:
        return Progress("waiting", 0, total)
    if job.status == ImportStatus.RUNNING:
        try:
            kept = cache.get(_progress_key(job.pk)) or {}
        except Exception:
            kept = {}
        return Progress(
            kept.get("phase", "checking"), int(kept.get("done", job.rows_done)), total
        )
    return Progress(str(job.status), job.rows_written, total)


# --- for the pages ------------------------------------------------------------------


def import_jobs_of(*, kind: ImportKind, owner_key: str):
    """The imports of one kind into one owner, newest first, without their rows."""
    return (
        ImportJob.objects.filter(kind=kind.name, owner_key=owner_key)
        .defer("rows", "errors", "notices")
        .select_related("created_by")
    )
