"""The spreadsheet import of a batch's enrollments (DESIGN.md, "Spreadsheet
import"; docs/portal.md), a kind of the engine in `blkk_portal.imports`.

The batch is the page's (`/blkk/CODE/batches/ID/enrollments/import/`; the job's
owner key is the batch's id). Each row is a person already registered, at this BLKK
or any other, by their exact NIK, as the enroll page's `trainee_nik` and the API's
take them (`enrollment_person_by_nik`): `nik` (text), `status` (the API's code or
the portal's label; empty is registered), `completed_on` (needed exactly when the
status is completed: the model's rule and message).

- A NIK typed as a number is refused with the reason (Excel keeps 15 digits).
- Two rows with one NIK are both refused, each naming the other.
- A person already enrolled in this batch is refused (the model's message).
- The batch's capacity is checked for the whole file, in the rows' order, as the
  API would take them one by one: a row that is not dropped takes a place, and
  the rows past the last free place are refused with the service's message.
  Those rows are refused whatever their NIK, before it is looked up, as the enroll
  page refuses any NIK for a full batch (`enrollment_person_by_nik`), so that a
  full batch tells nothing about who is registered.
- A NIK nobody has gets the enroll page's and the API's message, "No person is
  registered with this NIK: register them first.", and nothing else; a NIK that
  is found shows nothing about its person in the preview (only what the file
  says), as the enroll page shows nothing before the person is enrolled.

What is read per row is read once for the whole file: the provinces (for the NIK's
check), the people with the file's NIKs, who of them is in this batch already, the
places taken. Rows are written by `services.enrollment_create_many` (bulk, with
their history, the batch locked and its capacity checked again).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blkk_portal.accounts.models import Role
from blkk_portal.imports import cells
from blkk_portal.imports.kinds import (
    ROW,
    Checked,
    Column,
    ImportKind,
    ImportRefused,
    Problem,
    Row,
    lines_sharing,
)
from blkk_portal.numbers import is_ascii_digits

from . import services
from .models import Enrollment, EnrollmentStatus, Province, Trainee, TrainingBatch
from .selectors import NO_PERSON_WITH_NIK
from .validators import nik_error

if TYPE_CHECKING:
    from blkk_portal.accounts.models import User

NIK_AS_NUMBER = gettext_lazy(
    "Type the NIK as text: this cell is a number, and Excel keeps only 15 digits of "
    "a number, so the 16th may have been changed to 0. Format the column as Text "
    "and type the NIK again."
)
NOT_YOUR_BATCH = gettext_lazy("Only this BLKK's managers can import its enrollments.")
REQUIRED = gettext_lazy("This field is required.")
COLUMNS = ("nik", "status", "completed_on")


def _constraint_message(name: str) -> str:
    constraint = next(c for c in Enrollment._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


def _columns() -> tuple[Column, ...]:
    statuses = EnrollmentStatus.choices
    return (
        Column(
            "nik",
            Trainee._meta.get_field("nik").verbose_name,
            cells.text_only(NIK_AS_NUMBER),
            required=True,
            as_text=True,
            hint=gettext_lazy(
                "16 digits, typed as text: a person already registered, here or "
                "at another BLKK."
            ),
            example="3273015705980001",
        ),
        Column(
            "status",
            Enrollment._meta.get_field("status").verbose_name,
            cells.choice(statuses),
            hint=gettext_lazy(
                "registered, active, completed or dropped (or the words); empty is "
                "registered."
            ),
            example="registered",
            offered=tuple(code for code, _label in statuses),
        ),
        Column(
            "completed_on",
            Enrollment._meta.get_field("completed_on").verbose_name,
            cells.date,
            hint=gettext_lazy("Only for the status completed, and then needed."),
            example="",
        ),
    )


@dataclass(frozen=True)
class EnrollmentImportContext:
    batch: TrainingBatch
    by: User


@dataclass(frozen=True)
class _Wanted:
    """A row's enrollment as far as its cells alone say."""

    status: str
    completed_on: datetime.date | None


class EnrollmentImport(ImportKind):
    name = "training.enrollments"
    title = gettext_lazy("Enrollments")

    columns = _columns()

    def context(self, *, owner_key: str, by: User) -> EnrollmentImportContext:
        """The batch the rows go into, for one of its BLKK's managers (still)."""
        batch = (
            TrainingBatch.objects.select_related("blkk")
            .filter(pk=int(owner_key))
            .first()
            if is_ascii_digits(owner_key) and len(owner_key) < 19
            else None
        )
        if (
            batch is None
            or by.role != Role.BLKK_MANAGER
            or batch.blkk_id not in services.managed_blkk_ids(by)
            or not by.has_perm("training.add_enrollment")
        ):
            raise ImportRefused(NOT_YOUR_BATCH)
        return EnrollmentImportContext(batch=batch, by=by)

    def check(self, rows: Sequence[Row], context: EnrollmentImportContext) -> Checked:
        checked = Checked()
        batch = context.batch
        provinces = set(Province.objects.values_list("code", flat=True))
        niks: dict[int, str] = {}
        wanted: dict[int, _Wanted] = {}
        for row in rows:
            nik = row.values.get("nik")
            if nik is None:
                checked.add(row.line, "nik", REQUIRED)
            elif (
                error := nik_error(nik, province_known=provinces.__contains__)
            ) is not None:
                checked.add(row.line, "nik", error.messages[0])
            else:
                niks[row.line] = nik
            wanted[row.line] = self._check_cells(row, batch, checked)
        for line, others in lines_sharing(rows, lambda row: niks.get(row.line)).items():
            checked.add(
                line,
                "nik",
                _("The same NIK is also on row %(rows)s.")
                % {"rows": ", ".join(str(other) for other in others)},
            )
        people = dict(
            Trainee.objects.filter(nik__in=set(niks.values())).values_list("nik", "pk")
        )
        enrolled = set(
            Enrollment.objects.filter(
                batch_id=batch.pk, trainee_id__in=set(people.values())
            ).values_list("trainee_id", flat=True)
        )
        taken = Enrollment.objects.filter(batch_id=batch.pk).holding_a_place().count()
        self._check_people(
            rows, context, checked, niks, wanted, people, enrolled, taken
        )
        if not checked.errors:
            checked.cleaned = [
                {
                    "trainee_id": people[niks[row.line]],
                    "status": wanted[row.line].status,
                    "completed_on": wanted[row.line].completed_on,
                }
                for row in rows
            ]
        return checked

    def _check_cells(self, row: Row, batch: TrainingBatch, checked: Checked) -> _Wanted:
        """The row's status and completion date under the model's rules (its
        fields' validators and `clean()`, without the database), and the rule that
        the date is set exactly when the status is completed."""
        status = row.values.get("status") or EnrollmentStatus.REGISTERED
        typed_date = row.values.get("completed_on")
        completed_on = datetime.date.fromisoformat(typed_date) if typed_date else None
        try:
            Enrollment(
                batch=batch, status=status, completed_on=completed_on
            ).full_clean(
                exclude=["trainee", "batch"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                column = field if field in COLUMNS else ROW
                for message in messages:
                    checked.add(row.line, column, message)
        # A date that could not be read already has its message on its cell (the
        # engine keeps that one alone).
        if (status == EnrollmentStatus.COMPLETED) != (completed_on is not None):
            checked.add(
                row.line,
                "completed_on",
                _constraint_message("enrollment_completed_on_iff_completed"),
            )
        return _Wanted(status=status, completed_on=completed_on)

    def _check_people(
        self,
        rows: Sequence[Row],
        context: EnrollmentImportContext,
        checked: Checked,
        niks: dict[int, str],
        wanted: dict[int, _Wanted],
        people: dict[str, int],
        enrolled: set[int],
        taken: int,
    ) -> None:
        """In the rows' order: the places they take, then who they are."""
        batch = context.batch
        code = batch.blkk.code
        places = batch.capacity - taken
        for row in rows:
            nik = niks.get(row.line)
            person = people.get(nik) if nik is not None else None
            if person is not None and person in enrolled:
                checked.add(
                    row.line,
                    "nik",
                    Problem(
                        _constraint_message("enrollment_once_per_batch"),
                        url=reverse("trainee-detail", args=[code, person]),
                        link=_("See this person"),
                    ),
                )
                continue
            if wanted[row.line].status != EnrollmentStatus.DROPPED:
                places -= 1
                if places < 0:
                    # Full, whatever the NIK: said before anything about it.
                    error = services.batch_full(batch)
                    for message in error.messages:
                        checked.add(row.line, ROW, message)
                    continue
            if nik is not None and person is None:
                checked.add(row.line, "nik", str(NO_PERSON_WITH_NIK))

    def write(
        self,
        cleaned: Sequence[dict[str, Any]],
        context: EnrollmentImportContext,
        *,
        by: User | None,
        progress: Callable[[int], None],
        reason: str,
    ) -> int:
        stored = services.enrollment_create_many(
            batch=context.batch,
            enrollments=cleaned,
            by=by,
            progress=progress,
            reason=reason,
        )
        return len(stored)


ENROLLMENTS = EnrollmentImport()
