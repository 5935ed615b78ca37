"""The trainees a user reaches, as one CSV file streamed in constant memory.

Two doors serve it: the API (`GET /api/v1/trainees/export/`, `training/api/export.py`,
with the trainee list's filters) and a BLKK's trainee page (`/blkk/CODE/trainees/
export/`, `training/views/exports.py`, with that page's search). Both hand this module
rows already scoped by `visible_to` (or the page's BLKK) and annotated with
`full_nik_visible`; it decides nothing about scope.

What the file holds, and why:
- the trainee list's fields, in its order, headed by their API names (the import
  template's headers, so the file goes back in); codes as the API gives them;
- each cell exactly as the list shows it to this user: the NIK masked unless the
  list shows it whole, and for a person the user reaches only as a mentor (a manager
  who mentors elsewhere) only the name, phone and masked NIK, the rest left blank;
- text that starts like a formula neutralised (`blkk_portal.spreadsheets`), and a
  UTF-8 byte order mark so that Excel reads names as UTF-8.

How it stays small: rows come as tuples (`values_list`, no model instances) from a
server-side cursor, `CHUNK` at a time, inside a transaction of their own (outside
one, PostgreSQL would materialise the whole result before the first row, a WITH HOLD
cursor), and each chunk is written out as bytes before the next is fetched.

One audit event (`AuditAction.EXPORT`) per file, written before the first byte
(an export that starts is on record, whatever happens to the download) and given
the number of rows sent when the stream ends or the client goes away.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blkk_portal.access import STAFF
from blkk_portal.accounts.models import Role
from blkk_portal.api.throttling import PortalRateThrottle
from blkk_portal.audit.models import AuditAction, PersonalDataEvent
from blkk_portal.audit.services import audit_record
from blkk_portal.spreadsheets import SafeCsvWriter

from .models import Trainee
from .validators import mask_nik

if TYPE_CHECKING:
    from blkk_portal.accounts.models import User

# The trainee list's fields, in its order (training/api/serializers.py,
# `TraineeSerializer`; DESIGN.md's table with `id` first and `consent_on` last), and
# the few a mentor sees (`MENTOR_FIELDS` there). tests/api/test_export.py holds the
# two lists to the serializer's.
COLUMNS: tuple[str, ...] = (
    "id",
    "nik",
    "full_name",
    "gender",
    "birth_date",
    "phone",
    "regency",
    "education",
    "has_disability",
    "prior_status",
    "blkk",
    "registered_on",
    "consent_on",
)
MENTOR_COLUMNS: frozenset[str] = frozenset({"id", "nik", "full_name", "phone"})
# Where each column is read from: related objects by their key, as the API gives them.
_SOURCES = {"regency": "regency_id", "blkk": "blkk_id"}
_NIK = COLUMNS.index("nik")
_DISABILITY = COLUMNS.index("has_disability")
_MENTOR_ONLY = tuple(name not in MENTOR_COLUMNS for name in COLUMNS)


# Rows fetched from the cursor, and written out, at a time.
CHUNK = 2000
BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"

EXPORT_REFUSED_ROLE = _(
    "Exporting trainees is for ministry staff, provincial staff and BLKK managers."
)


def may_export_trainees(user) -> bool:
    """Ministry staff, province staff and BLKK managers export the trainees they
    reach; a mentor, who sees a few founders' names and phones, does not."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.sees_everything or user.role in STAFF


def export_refused(seconds: int) -> str:
    return ngettext(
        "Too many exports in a short time: try again in %(seconds)d second.",
        "Too many exports in a short time: try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


class ExportRateThrottle(PortalRateThrottle):
    """Exports per user (settings `EXPORT_RATE`), the API's and the pages' counted
    together: each one reads a whole scope."""

    scope = "export"
    refusal = staticmethod(export_refused)

    def applies(self, request, view) -> bool:
        return request.method == "GET"

    def ident(self, request) -> str | None:
        user = request.user
        return f"user{user.pk}" if user.is_authenticated else None


def export_filename(prefix: str = "trainees") -> str:
    return f"{prefix}-{timezone.localdate():%Y-%m-%d}.csv"


def trainee_csv_response(
    *, user: User, rows: QuerySet, query: str, filename: str | None = None
) -> StreamingHttpResponse:
    """The CSV of `rows` (trainees the caller reaches, in the order to write them,
    annotated by `with_full_nik_flag(user)`), streamed; one audit event names
    `user` and `query` (the path and its filters)."""
    event = audit_record(
        user=user,
        action=AuditAction.EXPORT,
        subject=Trainee._meta.label_lower,
        query=query,
        rows=0,
    )
    response = StreamingHttpResponse(
        _audited(event, user=user, rows=rows),
        content_type=CONTENT_TYPE,
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{filename or export_filename()}"'
    )
    # Personal data: not kept by a browser's or a proxy's cache.
    response["Cache-Control"] = "private, no-store"
    return response


class RowCount:
    """How many rows a stream has written so far."""

    rows = 0


def trainee_csv_chunks(
    *, user: User, rows: QuerySet, counted: RowCount | None = None
) -> Iterator[bytes]:
    """The file, as UTF-8 byte strings of about `CHUNK` rows each; `counted.rows`
    follows the rows written so far."""
    counted = counted if counted is not None else RowCount()
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    cells = row_cells(user)
    fields = [_SOURCES.get(name, name) for name in COLUMNS]
    tuples = rows.values_list(*fields, "full_nik_visible")
    # A plain server-side cursor streams; outside a transaction Django asks for a
    # WITH HOLD one, which PostgreSQL fills with every row before the first fetch.
    with transaction.atomic():
        for row in tuples.iterator(chunk_size=CHUNK):
            writer.writerow(cells(row))
            counted.rows += 1
            if counted.rows % CHUNK == 0:
                yield _drain(buffer)
    yield _drain(buffer)


def _audited(
    event: PersonalDataEvent, *, user: User, rows: QuerySet
) -> Iterator[bytes]:
    counted = RowCount()
    try:
        yield from trainee_csv_chunks(user=user, rows=rows, counted=counted)
    finally:
        # Also when the client goes away mid-file (the server closes the stream):
        # the event then says how many rows were sent.
        PersonalDataEvent.objects.filter(pk=event.pk).update(rows=counted.rows)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def row_cells(user: User) -> Callable[[Sequence[Any]], list[Any]]:
    """How a row (the `COLUMNS`, then `full_nik_visible`) is written for `user`:
    as the trainee list shows it (`TraineeSerializer.to_representation`)."""
    province = user.role == Role.PROVINCE

    def cells(row: Sequence[Any]) -> list[Any]:
        values = list(row[:-1])
        values[_DISABILITY] = "true" if values[_DISABILITY] else "false"
        if not row[-1]:
            values[_NIK] = mask_nik(values[_NIK])
            if not province:
                values = [
                    "" if hidden else value
                    for value, hidden in zip(values, _MENTOR_ONLY, strict=True)
                ]
        return values

    return cells
