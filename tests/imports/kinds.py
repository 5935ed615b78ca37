"""An import kind of the tests' own, to test the engine without an app's rules.

"Things": a code (text only, required), a name (required), a date, a yes/no and a
colour. A code used twice in the file is refused on both rows, the code TAKEN is
"already registered", and writing stores each thing as an audit event (a table the
engine does not touch itself), in chunks, reporting progress.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from blkk_portal.audit.models import PersonalDataEvent
from blkk_portal.imports import cells
from blkk_portal.imports.kinds import (
    Checked,
    Column,
    ImportKind,
    ImportRefused,
    Problem,
    Row,
    lines_sharing,
    register,
)

SUBJECT = "tests.thing"
NUMBER_CODE = "Type the code as text."


class Things(ImportKind):
    name = "tests.things"
    title = "Things"
    columns = (
        Column(
            "code", "kode", cells.text_only(NUMBER_CODE), required=True, as_text=True
        ),
        Column("name", "full name", required=True),
        Column("born", "birth date", cells.date),
        Column("active", "aktif", cells.boolean),
        Column(
            "colour",
            "warna",
            cells.choice([("red", "Red"), ("blue", "Blue")], aliases={"merah": "red"}),
            offered=("red", "blue"),
        ),
    )
    chunk = 2
    fail_after: int | None = None
    refuse_context = False

    def context(self, *, owner_key: str, by) -> Any:
        if self.refuse_context:
            raise ImportRefused("You may not import things here.")
        return {"owner": owner_key}

    def check(self, rows: Sequence[Row], context: Any) -> Checked:
        checked = Checked()
        for row in rows:
            if not row.values.get("name"):
                checked.add(row.line, "name", "This field is required.")
            if "code" not in row.values:
                checked.add(row.line, "code", "This field is required.")
            if row.values.get("code") == "TAKEN":
                checked.add(
                    row.line,
                    "code",
                    Problem("Already registered.", url="/elsewhere/", link="Enroll"),
                )
        shared = lines_sharing(rows, lambda row: row.values.get("code"))
        for line, others in shared.items():
            checked.add(line, "code", f"Also on row {others[0]}.")
        if not checked.errors:
            checked.cleaned = [dict(row.values) for row in rows]
        return checked

    def write(
        self,
        cleaned: Sequence[Any],
        context: Any,
        *,
        by,
        progress: Callable[[int], None],
        reason: str,
    ) -> int:
        for start in range(0, len(cleaned), self.chunk):
            for values in cleaned[start : start + self.chunk]:
                if self.fail_after is not None and start >= self.fail_after:
                    raise RuntimeError("the write broke")
                PersonalDataEvent.objects.create(
                    user=by,
                    action="export",
                    subject=SUBJECT,
                    query=values["code"],
                    rows=1,
                )
            progress(min(start + self.chunk, len(cleaned)))
        return len(cleaned)


THINGS = register(Things())
