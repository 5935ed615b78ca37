"""The spreadsheet import of a BLKK's trainees (DESIGN.md, "Spreadsheet import"), a
kind of the engine in `blkk_portal.imports`.

Columns are the API's: `nik, full_name, gender, birth_date, phone, regency,
education, has_disability, prior_status, registered_on`, or the portal's labels.
Each row is checked by the API's own serializer (`TraineeSerializer`, narrowed to
these fields), then by the model's rules the serializer leaves to the service (the
NIK agreeing with the birth date and gender, born before registration), so a row's
errors are the API's messages for the same values. What the serializer would ask
the database row by row is asked once for the whole file: the provinces (for the
NIK's validator), the regencies, and which NIKs are already registered.

- A NIK must be typed as text: a number cell (Excel keeps 15 significant digits
  and turns the 16th into 0) or Excel's scientific notation is refused with a
  message that says so.
- `regency` is a code (`32.73`, also as a number: Excel's 32.1 is 32.10) or a
  regency's name ("Kota Bandung", "Kab. Bandung", or "Sleman" when only one
  regency has that name).
- Two rows with one NIK are both refused, each naming the other. A NIK already on
  this BLKK's list is refused with a link to the person; one registered at another
  BLKK is refused with an offer to enroll them by NIK in one of this BLKK's
  batches, and nothing else about them (the registration page's words).
- An empty `registered_on` is today, as the registration page and the API take it.
  An empty `has_disability` is no; `phone` may be empty.

Rows are written by `services.trainee_register_many` (bulk, with their history).

The second kind here, a batch's enrollments by NIK (`ENROLLMENTS`), has its own
section at the end.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from blkk_portal.accounts.models import Role
from blkk_portal.imports import cells
from blkk_portal.imports.cells import Cell, CellError
from blkk_portal.imports.kinds import (
    ROW,
    Checked,
    Column,
    ImportKind,
    ImportRefused,
    Problem,
    Row,
    lines_sharing,
    owner_row,
)

from . import services
from .api.serializers import TraineeSerializer
from .models import (
    Blkk,
    Enrollment,
    EnrollmentStatus,
    Regency,
    Trainee,
    TrainingBatch,
)
from .selectors import NO_PERSON_WITH_NIK
from .validators import (
    NIK_PATTERN,
    nik_agreement_errors,
    nik_provinces_read_once,
    validate_nik,
)
from .views.trainees import NIK_ON_THIS_LIST, NIK_REGISTERED_ELSEWHERE

if TYPE_CHECKING:
    from blkk_portal.accounts.models import User

logger = logging.getLogger(__name__)

NIK_AS_NUMBER = gettext_lazy(
    "Type the NIK as text: this cell is a number, and Excel keeps only 15 digits of "
    "a number, so the 16th may have been changed to 0. Format the column as Text "
    "and type the NIK again."
)
NOT_YOUR_BLKK = gettext_lazy("Only this BLKK's managers can import its trainees.")
COLUMNS = (
    "nik",
    "full_name",
    "gender",
    "birth_date",
    "phone",
    "regency",
    "education",
    "has_disability",
    "prior_status",
    "registered_on",
)
# Men and women as Indonesian forms often write them: L(aki-laki), P(erempuan).
GENDER_ALIASES = {"L": "M", "LK": "M", "P": "F", "PR": "F"}


def _label(name: str) -> Any:
    """The field's label, as the portal's forms show it (lazily translated)."""
    field = Trainee._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 (the trainee's own columns)
    return field.verbose_name


def phone_cell(cell: Cell) -> str:
    """A phone number; typed as a number, Excel dropped its leading 0 (8123... is
    08123...)."""
    if cell.type == "number" and float(cell.value).is_integer():
        digits = str(int(cell.value))
        return f"0{digits}" if digits.startswith("8") else digits
    return cells.text(cell)


def regency_cell(cell: Cell) -> str:
    """A regency's code or name; a code typed as a number keeps its two decimals
    (32.1 is 32.10: every regency code has two digits after the dot)."""
    if cell.type == "number" and not isinstance(cell.value, bool):
        return f"{float(cell.value):.2f}"
    return cells.text(cell)


class _ChoicesHint:
    """ "smk (Vocational secondary (SMK)), ..." in the language asked for."""

    def __init__(self, choices) -> None:
        self.choices = choices

    def __str__(self) -> str:
        return ", ".join(f"{code} ({label})" for code, label in self.choices)


def _choices_hint(choices) -> Any:
    return _ChoicesHint(choices)


def _columns() -> tuple[Column, ...]:
    gender = Trainee.Gender.choices
    return (
        Column(
            "nik",
            _label("nik"),
            cells.text_only(NIK_AS_NUMBER),
            required=True,
            as_text=True,
            hint=gettext_lazy("16 digits, typed as text."),
            example="3273015705980001",
        ),
        Column(
            "full_name",
            _label("full_name"),
            required=True,
            hint=gettext_lazy("As on the identity card."),
            example="Ayu Lestari",
        ),
        Column(
            "gender",
            _label("gender"),
            cells.choice(gender, aliases=GENDER_ALIASES),
            required=True,
            hint=gettext_lazy("M or F, L or P, or the words."),
            example="F",
            offered=tuple(code for code, _label in gender),
        ),
        Column(
            "birth_date",
            _label("birth_date"),
            cells.date,
            required=True,
            hint=gettext_lazy("The date the NIK's digits 7-12 say."),
            example="17-05-1998",
        ),
        Column(
            "phone",
            _label("phone"),
            phone_cell,
            as_text=True,
            hint=gettext_lazy("A mobile number, as 081234567890; may be empty."),
            example="081234567890",
        ),
        Column(
            "regency",
            _label("regency"),
            regency_cell,
            required=True,
            as_text=True,
            hint=gettext_lazy("The code (32.73) or the name (Kota Bandung)."),
            example="32.73",
        ),
        Column(
            "education",
            _label("education"),
            cells.choice(Trainee.Education.choices),
            required=True,
            hint=_choices_hint(Trainee.Education.choices),
            example="smk",
        ),
        Column(
            "has_disability",
            _label("has_disability"),
            cells.boolean,
            hint=gettext_lazy("ya or tidak; empty is tidak."),
            example="tidak",
            offered=("ya", "tidak"),
        ),
        Column(
            "prior_status",
            _label("prior_status"),
            cells.choice(Trainee.PriorStatus.choices),
            required=True,
            hint=_choices_hint(Trainee.PriorStatus.choices),
            example="unemployed",
        ),
        Column(
            "registered_on",
            _label("registered_on"),
            cells.date,
            hint=gettext_lazy("Empty is today."),
            example="06-01-2026",
        ),
    )


class TraineeRowSerializer(TraineeSerializer):
    """The API's trainee serializer for one spreadsheet row: the import's columns
    only (the BLKK is the page's), the regency as the code the import found.
    Whether a NIK is already registered is asked once for the whole file
    (`TraineeImport.check`), not row by row; its other rules are the API's
    (`validate_nik`, which asks the provinces read once: `check` runs it inside
    `nik_provinces_read_once`)."""

    blkk = None  # type: ignore[assignment]
    regency = serializers.CharField()  # type: ignore[assignment]

    class Meta(TraineeSerializer.Meta):
        fields = list(COLUMNS)
        extra_kwargs = {"nik": {"validators": [validate_nik]}}


class Regencies:
    """Every regency, read once: found by code or by name."""

    _PREFIX = re.compile(r"^(kabupaten|kab\.?|kota)\s+")

    def __init__(self) -> None:
        rows = list(Regency.objects.values_list("code", "name"))
        self.by_code = {code: name for code, name in rows}
        self.by_name = {cells.words(name): code for code, name in rows}
        self.by_short: dict[str, list[str]] = {}
        for code, name in rows:
            short = self._PREFIX.sub("", cells.words(name))
            self.by_short.setdefault(short, []).append(code)

    def code_of(self, typed: str) -> str:
        """The code of the regency `typed` names; raises CellError."""
        if typed in self.by_code:
            return typed
        words = cells.words(typed)
        words = re.sub(r"^kab\.?\s+", "kabupaten ", words)
        if words in self.by_name:
            return self.by_name[words]
        found = self.by_short.get(self._PREFIX.sub("", words), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(
                _("Several regencies have this name: %(regencies)s. Give the code.")
                % {
                    "regencies": ", ".join(
                        f"{self.by_code[code]} ({code})" for code in sorted(found)
                    )
                }
            )
        raise CellError(
            _(
                "No regency has the code or name %(value)s. Give its code, as "
                "32.73, or its whole name, as Kota Bandung."
            )
            % {"value": typed}
        )


def manager_may_import(by: User, blkk_id: int, *permissions: str) -> bool:
    """Whether `by` may import into this BLKK: one of its managers (still), holding
    the permissions. Asked again when the run starts, so a manager handed over or
    deactivated since the preview writes nothing."""
    return (
        by.role == Role.BLKK_MANAGER
        and blkk_id in services.managed_blkk_ids(by)
        and by.has_perms(permissions)
    )


@dataclass(frozen=True)
class TraineeImportContext:
    blkk: Blkk
    by: User


class TraineeImport(ImportKind):
    name = "training.trainees"
    title = gettext_lazy("Trainees")

    columns = _columns()
    title_column = "full_name"

    def context(self, *, owner_key: str, by: User) -> TraineeImportContext:
        """The BLKK the rows go to, for one of its managers (still)."""
        blkk = owner_row(Blkk.objects, owner_key)
        if blkk is None or not manager_may_import(by, blkk.pk, "training.add_trainee"):
            raise ImportRefused(NOT_YOUR_BLKK)
        return TraineeImportContext(blkk=blkk, by=by)

    def check(self, rows: Sequence[Row], context: TraineeImportContext) -> Checked:
        with nik_provinces_read_once():
            return self._check(rows, context)

    def _check(self, rows: Sequence[Row], context: TraineeImportContext) -> Checked:
        checked = Checked()
        regencies = Regencies()
        serializer = TraineeRowSerializer()
        today = timezone.localdate()
        valid: dict[int, dict[str, Any]] = {}
        for row in rows:
            data = dict(row.values)
            if "regency" in data:
                try:
                    data["regency"] = regencies.code_of(str(data["regency"]))
                except CellError as error:
                    checked.add(row.line, "regency", error.message)
                    # Any known code, so that the row's other fields are still
                    # checked; the row is refused for its regency anyway.
                    data["regency"] = next(iter(regencies.by_code), "")
            try:
                values = serializer.run_validation(data)
            except serializers.ValidationError as error:
                _add_api_errors(checked, row.line, error.detail)
                continue
            for field, problem in _model_rule_errors(values, today).items():
                checked.add(row.line, field, problem)
            if row.line not in checked.errors:
                valid[row.line] = values
        self._check_niks(rows, context, checked)
        if not checked.errors:
            checked.cleaned = [_person(valid[row.line], today) for row in rows]
        return checked

    def _check_niks(
        self, rows: Sequence[Row], context: TraineeImportContext, checked: Checked
    ) -> None:
        """Two rows with one NIK, and NIKs already registered: for every row whose
        NIK is 16 digits, whatever else is wrong with it."""
        typed = {
            row.line: row.values["nik"]
            for row in rows
            if re.fullmatch(NIK_PATTERN, str(row.values.get("nik", "")))
        }
        for line, others in lines_sharing(
            rows, lambda row: typed.get(row.line)
        ).items():
            checked.add(
                line,
                "nik",
                _("The same NIK is also on row %(rows)s.")
                % {"rows": ", ".join(str(other) for other in others)},
            )
        registered = set(
            Trainee.objects.filter(nik__in=set(typed.values())).values_list(
                "nik", flat=True
            )
        )
        if not registered:
            return
        # What a preview tells about other BLKKs' people is its own count in the
        # logs (UPLOADS_PER_HOUR bounds how often it may be asked).
        logger.info(
            "trainee import for BLKK %s: %s NIKs of the file already registered",
            context.blkk.code,
            len(registered),
        )
        here = Blkk.objects.filter(pk=context.blkk.pk).values("pk")
        reached_here = Trainee.objects.all().reached_by_blkks(here)
        on_this_list = dict(
            Trainee.objects.filter(reached_here, nik__in=registered).values_list(
                "nik", "pk"
            )
        )
        code = context.blkk.code
        for line, nik in typed.items():
            if nik in on_this_list:
                checked.add(
                    line,
                    "nik",
                    Problem(
                        str(NIK_ON_THIS_LIST),
                        url=reverse("trainee-detail", args=[code, on_this_list[nik]]),
                        link=_("See this person"),
                    ),
                )
            elif nik in registered:
                checked.add(
                    line,
                    "nik",
                    Problem(
                        str(NIK_REGISTERED_ELSEWHERE),
                        url=reverse("batch-list", args=[code]),
                        link=_("Enroll by NIK in a batch"),
                    ),
                )

    def write(
        self,
        cleaned: Sequence[dict[str, Any]],
        context: TraineeImportContext,
        *,
        by: User | None,
        progress: Callable[[int], None],
        reason: str,
    ) -> int:
        stored = services.trainee_register_many(
            people=cleaned,
            blkk=context.blkk,
            by=by,
            progress=progress,
            reason=reason,
        )
        return len(stored)


def _add_api_errors(checked: Checked, line: int, detail: Any) -> None:
    for field, messages in detail.items():
        column = field if field in COLUMNS else ROW
        if column in checked.errors.get(line, {}):
            continue  # already said (a regency that was not found)
        for message in messages if isinstance(messages, list) else [messages]:
            checked.add(line, column, str(message))


def _model_rule_errors(values: dict[str, Any], today) -> dict[str, str]:
    """The model's rules the serializer leaves to the service, with their
    messages: the NIK's agreement with the birth date and gender (`clean()`), and
    the constraint that a person is born before being registered."""
    errors: dict[str, str] = {}
    agreement = nik_agreement_errors(
        values["nik"], values.get("birth_date"), values.get("gender")
    )
    for field, error in agreement.items():
        errors[field] = ValidationError(error).messages[0]
    registered_on = values.get("registered_on") or today
    if values["birth_date"] >= registered_on:
        constraint = next(
            c
            for c in Trainee._meta.constraints
            if c.name == "trainee_born_before_registration"
        )
        errors[ROW] = str(constraint.violation_error_message)
    return errors


def _person(values: dict[str, Any], today) -> dict[str, Any]:
    """The keywords of `trainee_register_many` for one valid row."""
    return {
        "nik": values["nik"],
        "full_name": values["full_name"],
        "gender": values["gender"],
        "birth_date": values["birth_date"],
        "phone": values.get("phone", ""),
        "regency_id": values["regency"],
        "education": values["education"],
        "has_disability": values.get("has_disability", False),
        "prior_status": values["prior_status"],
        "registered_on": values.get("registered_on") or today,
    }


TRAINEES = TraineeImport()


# --- a batch's enrollments ------------------------------------------------------------
# The spreadsheet import of a batch's enrollments (DESIGN.md, "Spreadsheet
# import"; docs/portal.md), a kind of the engine in `blkk_portal.imports`.
#
# The batch is the page's (`/blkk/CODE/batches/ID/enrollments/import/`; the job's
# owner key is the batch's id). Each row is a person already registered, at this BLKK
# or any other, by their exact NIK, as the enroll page's `trainee_nik` and the API's
# take them (`enrollment_person_by_nik`): `nik` (text), `status` (the API's code or
# the portal's label; empty is registered), `completed_on` (needed exactly when the
# status is completed: the model's rule and message).
#
# - A NIK typed as a number is refused with the reason (Excel keeps 15 digits).
# - Two rows with one NIK are both refused, each naming the other.
# - A person already enrolled in this batch is refused (the model's message).
# - The batch's capacity is checked for the whole file, in the rows' order, as the
#   API would take them one by one: a row that is not dropped takes a place, and
#   the rows past the last free place are refused with the service's message.
#   Those rows are refused whatever their NIK, before it is looked up, as the enroll
#   page refuses any NIK for a full batch (`enrollment_person_by_nik`), so that a
#   full batch tells nothing about who is registered.
# - A NIK nobody has gets the enroll page's and the API's message, "No person is
#   registered with this NIK: register them first.", and nothing else; a NIK that
#   is found shows nothing about its person in the preview (only what the file
#   says), as the enroll page shows nothing before the person is enrolled.
#
# What is read per row is read once for the whole file: the provinces (for the NIK's
# check), the people with the file's NIKs, who of them is in this batch already, the
# places taken. Rows are written by `services.enrollment_create_many` (bulk, with
# their history, the batch locked and its capacity checked again).

NOT_YOUR_BATCH = gettext_lazy("Only this BLKK's managers can import its enrollments.")
REQUIRED = gettext_lazy("This field is required.")
ENROLLMENT_COLUMNS = ("nik", "status", "completed_on")


def _constraint_message(name: str) -> str:
    constraint = next(c for c in Enrollment._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


def _enrollment_columns() -> tuple[Column, ...]:
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

    columns = _enrollment_columns()
    title_column = "nik"

    def context(self, *, owner_key: str, by: User) -> EnrollmentImportContext:
        """The batch the rows go into, for one of its BLKK's managers (still)."""
        batch = owner_row(TrainingBatch.objects.select_related("blkk"), owner_key)
        if batch is None or not manager_may_import(
            by, batch.blkk_id, "training.add_enrollment"
        ):
            raise ImportRefused(NOT_YOUR_BATCH)
        return EnrollmentImportContext(batch=batch, by=by)

    def check(self, rows: Sequence[Row], context: EnrollmentImportContext) -> Checked:
        with nik_provinces_read_once():
            return self._check(rows, context)

    def _check(self, rows: Sequence[Row], context: EnrollmentImportContext) -> Checked:
        checked = Checked()
        batch = context.batch
        niks: dict[int, str] = {}
        wanted: dict[int, _Wanted] = {}
        for row in rows:
            nik = row.values.get("nik")
            if nik is None:
                checked.add(row.line, "nik", REQUIRED)
            else:
                try:
                    validate_nik(nik)
                except ValidationError as error:
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
        # What a preview tells about who is registered is its own count in the
        # logs, as the trainee import's (UPLOADS_PER_HOUR bounds how often).
        logger.info(
            "enrollment import for batch %s: %s NIKs of the file registered",
            batch.pk,
            len(people),
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
                column = field if field in ENROLLMENT_COLUMNS else ROW
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
