"""The throughput baseline: the first page of `/api/v1/trainees/` (50 rows, the same
columns and order) served by one hand-written SQL query and `json.dumps`, with no
authentication, serializer or pagination. What the portal's API reaches beside it is
the share of the machine's limit the framework leaves.

`?blkk=<id>` restricts it to the people that BLKK registered or enrolled, as a
manager's list is; without it the rows are the ministry's first page.
"""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpResponse

COLUMNS = (
    "id",
    "nik",
    "full_name",
    "gender",
    "birth_date",
    "phone",
    "regency_id",
    "education",
    "has_disability",
    "prior_status",
    "blkk_id",
    "registered_on",
    "consent_on",
)

_SELECT = f"SELECT {', '.join(COLUMNS)} FROM training_trainee"
_ORDER = " ORDER BY full_name, id LIMIT 50"
_REACHED = (
    " WHERE id IN (SELECT id FROM training_trainee WHERE blkk_id = %(blkk)s"
    " UNION SELECT e.trainee_id FROM training_enrollment e"
    " JOIN training_trainingbatch b ON b.id = e.batch_id WHERE b.blkk_id = %(blkk)s)"
)


def trainees_first_page(request) -> HttpResponse:
    blkk = request.GET.get("blkk", "")
    sql = _SELECT + (_REACHED if blkk.isdigit() else "") + _ORDER
    with connection.cursor() as cursor:
        cursor.execute(sql, {"blkk": int(blkk)} if blkk.isdigit() else {})
        rows = cursor.fetchall()
    results = [
        {
            name.removesuffix("_id"): value
            if not hasattr(value, "isoformat")
            else value.isoformat()
            for name, value in zip(COLUMNS, row, strict=True)
        }
        for row in rows
    ]
    return HttpResponse(
        json.dumps({"next": None, "previous": None, "results": results}),
        content_type="application/json",
    )
