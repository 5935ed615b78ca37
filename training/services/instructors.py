"""Writes of instructors and their qualifications (kapasitas instruktur)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from blkk_portal.accounts.models import Role
from blkk_portal.services import (
    ModelServices,
    model_create,
    model_delete,
    model_update,
)

from ..models import (
    Blkk,
    VocationalField,
)
from ..programme_records import (
    Instructor,
    InstructorQualification,
)
from .people import managed_blkk_ids

if TYPE_CHECKING:
    from typing import Unpack

    from django_stubs_ext import StrOrPromise

    from blkk_portal.accounts.models import User


# --- instructors and qualifications ---------------------------------------------------

# A BLKK's managers write its instructors and their qualifications; ministry staff
# write everyone's (DESIGN.md, "Roles and scoping", programme records).
INSTRUCTORS_WRITTEN_BY = _(
    "Only ministry staff and a BLKK's managers record the BLKK's instructors."
)
NOT_A_BLKK_YOU_MANAGE = _("Choose one of the BLKKs you manage.")
INSTRUCTOR_OF_ANOTHER_BLKK = _("Choose an instructor of a BLKK you manage.")
NOT_A_TRADE = _("Choose trades from the list of vocational fields.")
QUALIFICATION_FIXED: dict[str, StrOrPromise] = {
    "instructor": _("The instructor of a qualification cannot be changed.")
}
# The qualification's constraints, by name, and the field each one is about:
# `full_clean()` gives a constraint's message without a field.
QUALIFICATION_CONSTRAINT_FIELDS = {
    "qualification_valid_after_issue": "valid_until",
    "qualification_number_unique_per_issuer": "number",
}


def _ensure_instructor_writer(by: User | None) -> None:
    """Ministry staff, commands (`by` None) and BLKK managers write instructors."""
    if by is None or by.sees_everything or by.role == Role.BLKK_MANAGER:
        return
    raise PermissionDenied(INSTRUCTORS_WRITTEN_BY)


def _manages(by: User | None, blkk_id: int | None) -> bool:
    return by is None or by.sees_everything or blkk_id in managed_blkk_ids(by)


def _ensure_blkk_managed(
    by: User | None, blkk_id: int | None, *, field: str, message: StrOrPromise
) -> None:
    """A manager names only a BLKK they manage: else `message` on `field`."""
    if not _manages(by, blkk_id):
        raise ValidationError({field: ValidationError(message, code="not_yours")})


def _ensure_instructor_kept_by(instructor: Instructor, by: User | None) -> None:
    """The instructor (or the one a qualification is of) is of a BLKK `by` writes:
    another BLKK's row is never theirs to change or delete."""
    _ensure_instructor_writer(by)
    if not _manages(by, instructor.blkk_id):
        raise PermissionDenied(INSTRUCTORS_WRITTEN_BY)


def _check_trades(vocational_fields: Iterable[Any]) -> list[VocationalField]:
    trades = list(vocational_fields)
    if any(not isinstance(trade, VocationalField) for trade in trades):
        raise ValidationError({"vocational_fields": NOT_A_TRADE})
    return trades


class InstructorChanges(TypedDict, total=False):
    blkk: Blkk
    full_name: str
    gender: str
    phone: str
    vocational_fields: Iterable[VocationalField]
    employment: str
    is_active: bool


@transaction.atomic
def instructor_create(
    *,
    blkk: Blkk,
    full_name: str,
    gender: str,
    employment: str,
    phone: str = "",
    vocational_fields: Iterable[VocationalField] = (),
    is_active: bool = True,
    by: User | None,
) -> Instructor:
    """Record an instructor of `blkk`; a manager records them only for a BLKK they
    manage."""
    _ensure_instructor_writer(by)
    _ensure_blkk_managed(by, blkk.pk, field="blkk", message=NOT_A_BLKK_YOU_MANAGE)
    return model_create(
        Instructor,
        fields={
            "blkk": blkk,
            "full_name": full_name,
            "gender": gender,
            "phone": phone,
            "vocational_fields": _check_trades(vocational_fields),
            "employment": employment,
            "is_active": is_active,
        },
    )


@transaction.atomic
def instructor_update(
    *, instructor: Instructor, by: User | None, **changes: Unpack[InstructorChanges]
) -> Instructor:
    """Change an instructor of a BLKK `by` manages; a manager moves them only to
    another BLKK they manage."""
    _ensure_instructor_kept_by(instructor, by)
    if "blkk" in changes:
        _ensure_blkk_managed(
            by, changes["blkk"].pk, field="blkk", message=NOT_A_BLKK_YOU_MANAGE
        )
    if "vocational_fields" in changes:
        changes["vocational_fields"] = _check_trades(changes["vocational_fields"])
    return model_update(instructor, changes=changes)


@transaction.atomic
def instructor_delete(*, instructor: Instructor, by: User | None) -> None:
    """Delete an instructor and their qualifications (kept in the history)."""
    _ensure_instructor_kept_by(instructor, by)
    model_delete(instructor)


def _constraints_on_fields(
    call: Callable[[], InstructorQualification],
) -> InstructorQualification:
    """Run `call`; a qualification constraint's message it raises goes on the field
    the constraint is about (`QUALIFICATION_CONSTRAINT_FIELDS`), so that a form and
    the API show it beside that field."""
    try:
        return call()
    except ValidationError as error:
        raise qualification_errors_on_fields(error) from None


def qualification_errors_on_fields(error: ValidationError) -> ValidationError:
    """`error` with each qualification constraint's message moved from the top
    (NON_FIELD_ERRORS) onto its field; for the admin's form too, which checks the
    constraints before it calls the service."""
    if not hasattr(error, "error_dict"):
        return error
    on_field = {
        str(constraint.get_violation_error_message()): field
        for constraint in InstructorQualification._meta.constraints
        if (field := QUALIFICATION_CONSTRAINT_FIELDS.get(constraint.name))
    }
    placed: dict[str, list[ValidationError]] = {}
    for name, errors in error.error_dict.items():
        for item in errors:
            target = name
            if name == NON_FIELD_ERRORS:
                target = on_field.get(item.messages[0], name)
            placed.setdefault(target, []).append(item)
    return ValidationError(placed)


class InstructorQualificationChanges(TypedDict, total=False):
    instructor: Instructor
    kind: str
    title: str
    issuer: str
    number: str
    issued_on: datetime.date
    valid_until: datetime.date | None


@transaction.atomic
def qualification_create(
    *,
    instructor: Instructor,
    kind: str,
    title: str,
    issuer: str,
    issued_on: datetime.date,
    number: str = "",
    valid_until: datetime.date | None = None,
    by: User | None,
) -> InstructorQualification:
    """Record a qualification an instructor (active or not) holds; a manager
    records it only for an instructor of a BLKK they manage."""
    _ensure_instructor_writer(by)
    _ensure_blkk_managed(
        by,
        instructor.blkk_id,
        field="instructor",
        message=INSTRUCTOR_OF_ANOTHER_BLKK,
    )
    return _constraints_on_fields(
        lambda: model_create(
            InstructorQualification,
            fields={
                "instructor": instructor,
                "kind": kind,
                "title": title,
                "issuer": issuer,
                "number": number,
                "issued_on": issued_on,
                "valid_until": valid_until,
            },
        )
    )


@transaction.atomic
def qualification_update(
    *,
    qualification: InstructorQualification,
    by: User | None,
    **changes: Unpack[InstructorQualificationChanges],
) -> InstructorQualification:
    """Change a qualification; its instructor stays."""
    _ensure_instructor_kept_by(qualification.instructor, by)
    return _constraints_on_fields(
        lambda: model_update(qualification, changes=changes, fixed=QUALIFICATION_FIXED)
    )


@transaction.atomic
def qualification_delete(
    *, qualification: InstructorQualification, by: User | None
) -> None:
    _ensure_instructor_kept_by(qualification.instructor, by)
    model_delete(qualification)


INSTRUCTORS = ModelServices(
    create=instructor_create, update=instructor_update, delete=instructor_delete
)
QUALIFICATIONS = ModelServices(
    create=qualification_create,
    update=qualification_update,
    delete=qualification_delete,
    fixed=tuple(QUALIFICATION_FIXED),
)
