"""Every write of the training app. The admin, the API, imports and commands call these.

Creates take the model's fields as keywords; updates take the row and the fields to
change (only those that differ are saved); each takes `by`, the acting user (None for
commands and seed data).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import forget_scope
from blkk_portal.audit.models import AuditAction
from blkk_portal.audit.services import audit_record
from blkk_portal.services import (
    ModelServices,
    changed_fields,
    model_bulk_create,
    model_create,
    model_delete,
    model_update,
    refuse_changes,
)

from . import selectors
from .models import (
    BLKK_CONTACT_FIELDS,
    Blkk,
    BlkkHandover,
    Certification,
    Enrollment,
    EnrollmentStatus,
    Grade,
    GradeAssessment,
    GraduateOutcome,
    LspStatus,
    Partner,
    Partnership,
    PartnershipPurpose,
    Regency,
    Trainee,
    TrainingBatch,
    VocationalField,
)
from .programme_records import (
    NOT_A_GRADUATE,
    PARTNERSHIP_OF_ANOTHER_PARTNER,
    Instructor,
    InstructorQualification,
    Placement,
    PlacementStatus,
)
from .validators import nik_provinces_read_once

if TYPE_CHECKING:
    from typing import Unpack

    from django_stubs_ext import StrOrPromise

    from blkk_portal.accounts.models import User

# Fields set once, at creation, with the message that refuses a later change.
TRAINEE_FIXED: dict[str, StrOrPromise] = {
    "nik": _("A person's NIK cannot be changed here.")
}
ENROLLMENT_FIXED: dict[str, StrOrPromise] = {
    "trainee": _("The person of an enrollment cannot be changed.")
}
MINISTRY_ONLY_FIELD = _("Only ministry staff can change this field.")
MINISTRY_ONLY_BLKK = _("Only ministry staff can register or remove a BLKK.")
# A person is shared, not co-owned (DESIGN.md, "Roles and scoping").
MINISTRY_ONLY_MOVE = _("Only ministry staff can move a person to another BLKK.")
MINISTRY_ONLY_ERASE = _("Only ministry staff can erase a person.")
PHONE_ONLY_HERE = _(
    "This person was registered by another BLKK: here you may change only their "
    "phone number."
)
RECORDED_BY_FIXED = _("Only ministry staff can change the BLKK a record belongs to.")
RECORDED_BY_NOT_REACHING = _(
    "Choose a BLKK that registered or enrolled this person (one of yours)."
)


# --- vocational fields (trades) -------------------------------------------------------


class VocationalFieldChanges(TypedDict, total=False):
    code: str
    name: str


@transaction.atomic
def vocational_field_create(
    *, code: str, name: str, by: User | None
) -> VocationalField:
    return model_create(VocationalField, fields={"code": code, "name": name})


@transaction.atomic
def vocational_field_update(
    *,
    vocational_field: VocationalField,
    by: User | None,
    **changes: Unpack[VocationalFieldChanges],
) -> VocationalField:
    return model_update(vocational_field, changes=changes)


@transaction.atomic
def vocational_field_delete(
    *, vocational_field: VocationalField, by: User | None
) -> None:
    model_delete(vocational_field)


# --- BLKKs ----------------------------------------------------------------------------


class BlkkChanges(TypedDict, total=False):
    code: str
    name: str
    host_institution: str
    institution_type: str
    regency: Regency
    address: str
    phone: str
    email: str
    established_year: int | None
    vocational_fields: Iterable[VocationalField]
    grade: str
    lsp_status: str
    lsp_license_number: str
    lsp_licensed_on: datetime.date | None
    is_incubator: bool
    is_active: bool
    managers: Iterable[User]


# A BLKK's grade changes only by recording a grade assessment (DESIGN.md); the grade
# it was registered with stays as given.
BLKK_FIXED: dict[str, StrOrPromise] = {
    "grade": _(
        "A BLKK's grade changes only through a grade assessment: record an "
        "assessment with the new grade instead."
    ),
    "registered_grade": _("The grade at registration stays as it was given."),
}


def _ensure_ministry(by: User | None) -> None:
    if by is not None and not by.sees_everything:
        raise PermissionDenied(MINISTRY_ONLY_BLKK)


@transaction.atomic
def blkk_create(
    *,
    code: str,
    name: str,
    host_institution: str,
    institution_type: str,
    regency: Regency,
    address: str = "",
    phone: str = "",
    email: str = "",
    established_year: int | None = None,
    vocational_fields: Iterable[VocationalField] = (),
    grade: str = Grade.TUMBUH,
    lsp_status: str = LspStatus.NONE,
    lsp_license_number: str = "",
    lsp_licensed_on: datetime.date | None = None,
    is_incubator: bool = False,
    is_active: bool = True,
    managers: Iterable[User] = (),
    by: User | None,
) -> Blkk:
    """Register a BLKK in the ministry's registry (ministry staff only). `grade` is
    its grade at registration (`registered_grade`, kept) and today's until a grade
    assessment says otherwise."""
    _ensure_ministry(by)
    return model_create(
        Blkk,
        fields={
            "code": code,
            "name": name,
            "host_institution": host_institution,
            "institution_type": institution_type,
            "regency": regency,
            "address": address,
            "phone": phone,
            "email": email,
            "established_year": established_year,
            "vocational_fields": vocational_fields,
            "grade": grade,
            # The grade given at registration stays, whatever assessments say later.
            "registered_grade": grade,
            "lsp_status": lsp_status,
            "lsp_license_number": lsp_license_number,
            "lsp_licensed_on": lsp_licensed_on,
            "is_incubator": is_incubator,
            "is_active": is_active,
            "managers": managers,
        },
    )


@transaction.atomic
def blkk_update(*, blkk: Blkk, by: User | None, **changes: Unpack[BlkkChanges]) -> Blkk:
    """Change a BLKK; its managers change only its contact details (address, phone,
    email), the rest is the ministry's. Its grade changes for no one here: only by
    recording a grade assessment (`grade_assessment_record`)."""
    refused: dict[str, StrOrPromise] = {}
    if by is not None and not by.sees_everything:
        refused = {
            name: MINISTRY_ONLY_FIELD
            for name in changes
            if name not in BLKK_CONTACT_FIELDS
        }
    # Every refused field at once, the grade with its own message.
    refuse_changes(changed_fields(blkk, changes), {**refused, **BLKK_FIXED})
    return model_update(blkk, changes=changes)


@transaction.atomic
def blkk_delete(*, blkk: Blkk, by: User | None) -> None:
    _ensure_ministry(by)
    model_delete(blkk)


MINISTRY_ONLY_HANDOVER = _("Only ministry staff can hand a BLKK over.")


@transaction.atomic
def blkk_hand_over(
    *,
    blkk: Blkk,
    from_user: User,
    to_user: User,
    handed_over_on: datetime.date | None = None,
    note: str = "",
    by: User | None,
) -> BlkkHandover:
    """Hand `blkk` over from `from_user`, one of its managers, to `to_user`, an
    active BLKK manager, in one step: `from_user` stops managing it, `to_user`
    manages it (already did, for a co-manager taking over), and the hand-over is
    kept (`BlkkHandover`). Ministry staff only.

    `handed_over_on` (default today) is not in the future, nor before the BLKK's
    previous hand-over. The BLKK's row is locked until the transaction ends, so two
    hand-overs of one BLKK are decided one after the other.
    """
    _ensure_handing_over(by)
    blkk = Blkk.objects.select_for_update().get(pk=blkk.pk)
    handed_over_on = handed_over_on or timezone.localdate()
    errors: dict[str, StrOrPromise] = {}
    if not blkk.managers.filter(pk=from_user.pk).exists():
        errors["from_user"] = _("%(person)s does not manage %(blkk)s.") % {
            "person": from_user,
            "blkk": blkk,
        }
    if to_user.pk == from_user.pk:
        errors["to_user"] = _("Choose another person than the manager handing over.")
    elif to_user.role != Role.BLKK_MANAGER:
        errors["to_user"] = _(
            "%(person)s is not a BLKK manager: give the account that role first."
        ) % {"person": to_user}
    elif not to_user.is_active:
        errors["to_user"] = _("%(person)s's account is deactivated.") % {
            "person": to_user
        }
    previous = blkk.handovers.order_by("-handed_over_on").first()
    if handed_over_on > timezone.localdate():
        errors["handed_over_on"] = _("This date cannot be in the future.")
    elif previous is not None and handed_over_on < previous.handed_over_on:
        errors["handed_over_on"] = _(
            "The previous hand-over of this BLKK was on %(date)s; this one cannot be "
            "earlier."
        ) % {"date": date_format(previous.handed_over_on)}
    if errors:
        raise ValidationError(errors)
    blkk.managers.remove(from_user)
    blkk.managers.add(to_user)
    forget_scope(from_user)
    forget_scope(to_user)
    return model_create(
        BlkkHandover,
        fields={
            "blkk": blkk,
            "from_user": from_user,
            "to_user": to_user,
            "handed_over_on": handed_over_on,
            "note": note,
            "recorded_by": by,
        },
    )


def _ensure_handing_over(by: User | None) -> None:
    if by is not None and not by.sees_everything:
        raise PermissionDenied(MINISTRY_ONLY_HANDOVER)


# --- training batches -----------------------------------------------------------------


class TrainingBatchChanges(TypedDict, total=False):
    blkk: Blkk
    vocational_field: VocationalField
    name: str
    start_date: datetime.date
    end_date: datetime.date
    capacity: int


@transaction.atomic
def batch_create(
    *,
    blkk: Blkk,
    vocational_field: VocationalField,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    capacity: int = 16,
    by: User | None,
) -> TrainingBatch:
    return model_create(
        TrainingBatch,
        fields={
            "blkk": blkk,
            "vocational_field": vocational_field,
            "name": name,
            "start_date": start_date,
            "end_date": end_date,
            "capacity": capacity,
        },
    )


@transaction.atomic
def batch_update(
    *, batch: TrainingBatch, by: User | None, **changes: Unpack[TrainingBatchChanges]
) -> TrainingBatch:
    return model_update(batch, changes=changes)


@transaction.atomic
def batch_delete(*, batch: TrainingBatch, by: User | None) -> None:
    model_delete(batch)


# --- trainees -------------------------------------------------------------------------


class TraineeChanges(TypedDict, total=False):
    nik: str
    full_name: str
    gender: str
    birth_date: datetime.date
    phone: str
    regency: Regency
    education: str
    has_disability: bool
    prior_status: str
    blkk: Blkk
    registered_on: datetime.date
    consent_on: datetime.date | None


@transaction.atomic
def trainee_register(
    *,
    nik: str,
    full_name: str,
    gender: str,
    birth_date: datetime.date,
    phone: str = "",
    regency: Regency,
    education: str,
    has_disability: bool = False,
    prior_status: str,
    blkk: Blkk,
    registered_on: datetime.date | None = None,
    consent_on: datetime.date | None = None,
    by: User | None,
) -> Trainee:
    """Validate and store a new person; their NIK must be new nationwide. Consent is
    taken on the registration date (today unless given) unless recorded otherwise."""
    return model_create(
        Trainee,
        fields={
            "nik": nik,
            "full_name": full_name,
            "gender": gender,
            "birth_date": birth_date,
            "phone": phone,
            "regency": regency,
            "education": education,
            "has_disability": has_disability,
            "prior_status": prior_status,
            "blkk": blkk,
            "registered_on": registered_on or timezone.localdate(),
            "consent_on": consent_on,
        },
    )


@transaction.atomic
def trainee_register_many(
    *,
    people: Sequence[Mapping[str, Any]],
    blkk: Blkk,
    by: User | None,
    progress: Callable[[int], None] | None = None,
    reason: str = "",
    chunk_size: int = 500,
) -> list[Trainee]:
    """Register many new people at `blkk` at once (a spreadsheet import), all or
    none: each row is validated as `trainee_register` validates one (the model's
    fields and `clean()`; `registered_on` today unless given), then stored with its
    history, `chunk_size` rows to an INSERT; the database's constraints (a NIK
    registered meanwhile) refuse the lot. `progress(rows_stored)` after each
    chunk; `reason` goes into the history."""
    today = timezone.localdate()
    stored: list[Trainee] = []
    with nik_provinces_read_once():
        for start in range(0, len(people), chunk_size):
            chunk = [
                Trainee(
                    **{**person, "registered_on": person.get("registered_on") or today},
                    blkk=blkk,
                )
                for person in people[start : start + chunk_size]
            ]
            stored += model_bulk_create(Trainee, chunk, by=by, reason=reason)
            if progress is not None:
                progress(len(stored))
    return stored


@transaction.atomic
def trainee_update(
    *, trainee: Trainee, by: User | None, **changes: Unpack[TraineeChanges]
) -> Trainee:
    """Change a person's record; the NIK, which identifies them, stays. Only the
    registering BLKK's managers change the rest, a BLKK that enrolled the person
    only the phone, and only ministry staff move them to another BLKK."""
    refused = {**TRAINEE_FIXED}
    if by is not None and not by.sees_everything:
        if trainee.blkk_id not in managed_blkk_ids(by):
            refused |= {name: PHONE_ONLY_HERE for name in changes if name != "phone"}
        refused["blkk"] = MINISTRY_ONLY_MOVE
    return model_update(trainee, changes=changes, fixed=refused)


@transaction.atomic
def trainee_erase(*, trainee: Trainee, by: User | None) -> None:
    """Erase a person and their records at every BLKK (UU 27/2022): the ministry's
    act alone."""
    if by is not None and not by.sees_everything:
        raise PermissionDenied(MINISTRY_ONLY_ERASE)
    records = (
        Enrollment.objects.filter(trainee_id=trainee.pk).count()
        + Certification.objects.filter(trainee_id=trainee.pk).count()
        + GraduateOutcome.objects.filter(trainee_id=trainee.pk).count()
    )
    audit_record(
        user=by,
        action=AuditAction.ERASURE,
        subject=Trainee._meta.label_lower,
        record_id=trainee.pk,
        rows=1 + records,
    )
    model_delete(trainee)


def trainee_views_record(
    *, user: User, trainees: Iterable[Trainee], query: str, one: bool = False
) -> None:
    """Log the whole NIKs `user` was just shown (DESIGN.md: every whole-NIK view by
    anyone but the registering BLKK's managers). `trainees` carry the list's
    `full_nik_visible` flag; `one` is a single record's page rather than a list."""
    whole = [t for t in trainees if getattr(t, "full_nik_visible", False)]
    if not whole:
        return
    own = set() if user.sees_everything else managed_blkk_ids(user)
    shown = [trainee for trainee in whole if trainee.blkk_id not in own]
    if not shown:
        return
    audit_record(
        user=user,
        action=AuditAction.FULL_NIK_VIEW,
        subject=Trainee._meta.label_lower,
        record_id=shown[0].pk if one else None,
        query=query,
        rows=len(shown),
    )


def managed_blkk_ids(user: User) -> set[int]:
    """Ids of the BLKKs `user` manages."""
    rows = Blkk.managers.through.objects.filter(user_id=user.pk)
    return set(rows.values_list("blkk_id", flat=True))


def blkk_ids_reaching(trainee: Trainee) -> set[int]:
    """The BLKK that registered `trainee` and every BLKK that enrolled them."""
    enrolled = Enrollment.objects.filter(trainee_id=trainee.pk)
    return {trainee.blkk_id, *enrolled.values_list("batch__blkk_id", flat=True)}


# --- enrollments ----------------------------------------------------------------------


def enrollment_ensure_capacity(*, enrollment: Enrollment) -> None:
    """Raise if storing `enrollment` would put its batch over capacity.

    Locks the batch row until the surrounding transaction ends, so two managers
    enrolling the last place at once cannot both succeed (on PostgreSQL; SQLite
    serialises writers by itself). Must be called inside a transaction.
    """
    if enrollment.status == EnrollmentStatus.DROPPED:
        return
    batch = TrainingBatch.objects.select_for_update().get(pk=enrollment.batch_id)
    taken = (
        Enrollment.objects.filter(batch_id=batch.pk)
        .holding_a_place()
        .exclude(pk=enrollment.pk)
        .count()
    )
    if taken >= batch.capacity:
        raise batch_full(batch)


def batch_full(batch: TrainingBatch) -> ValidationError:
    """The refusal of an enrollment a full batch has no place for, on `batch`."""
    message = ngettext(
        "This batch is full (%(capacity)s place).",
        "This batch is full (%(capacity)s places).",
        batch.capacity,
    ) % {"capacity": batch.capacity}
    return ValidationError({"batch": ValidationError(message, code="batch_full")})


def _check_capacity(enrollment: Enrollment) -> None:
    # Looked up when called, so a test can slow the check down (test_concurrency).
    enrollment_ensure_capacity(enrollment=enrollment)


class EnrollmentChanges(TypedDict, total=False):
    trainee: Trainee
    batch: TrainingBatch
    status: str
    completed_on: datetime.date | None


def enrollment_person_by_nik(
    *, trainee_nik: str, batch: TrainingBatch, status: str = EnrollmentStatus.REGISTERED
) -> Trainee:
    """The person to enroll in `batch` by their exact NIK (`selectors.trainee_by_nik`),
    for the API and the portal alike.

    A batch with no place left is refused first, whatever the NIK: otherwise "full"
    for a registered NIK and "nobody has it" for another would tell whether a NIK
    is registered without anyone being enrolled. `enrollment_create` checks the
    capacity again, under its lock.
    """
    with transaction.atomic():
        enrollment_ensure_capacity(enrollment=Enrollment(batch=batch, status=status))
    return selectors.trainee_by_nik(trainee_nik)


@transaction.atomic
def enrollment_create(
    *,
    trainee: Trainee,
    batch: TrainingBatch,
    status: str = EnrollmentStatus.REGISTERED,
    completed_on: datetime.date | None = None,
    by: User | None,
) -> Enrollment:
    """Enroll a person in a batch within the batch's capacity."""
    return model_create(
        Enrollment,
        fields={
            "trainee": trainee,
            "batch": batch,
            "status": status,
            "completed_on": completed_on,
        },
        check=_check_capacity,
    )


@transaction.atomic
def enrollment_create_many(
    *,
    batch: TrainingBatch,
    enrollments: Sequence[Mapping[str, Any]],
    by: User | None,
    progress: Callable[[int], None] | None = None,
    reason: str = "",
    chunk_size: int = 500,
) -> list[Enrollment]:
    """Enroll many people in `batch` at once (a spreadsheet import), all or none.
    Each of `enrollments` is a `trainee_id`, a `status` and a `completed_on`. The
    batch's row is locked and its capacity checked for all of them together
    (`enrollment_ensure_capacity`'s rule and message: the enrollments that are not
    dropped need a place each); each is validated as `enrollment_create` validates
    one (the model's fields and `clean()`), then stored with its history
    (`reason`), `chunk_size` rows to an INSERT; the database's constraints (a
    person enrolled meanwhile) refuse the lot. `progress(rows_stored)` after each
    chunk."""
    locked = TrainingBatch.objects.select_for_update().get(pk=batch.pk)
    places = sum(
        1
        for enrollment in enrollments
        if enrollment.get("status", EnrollmentStatus.REGISTERED)
        != EnrollmentStatus.DROPPED
    )
    taken = Enrollment.objects.filter(batch_id=locked.pk).holding_a_place().count()
    if places and taken + places > locked.capacity:
        raise batch_full(locked)
    stored: list[Enrollment] = []
    for start in range(0, len(enrollments), chunk_size):
        chunk = [
            Enrollment(batch=locked, **enrollment)
            for enrollment in enrollments[start : start + chunk_size]
        ]
        stored += model_bulk_create(Enrollment, chunk, by=by, reason=reason)
        if progress is not None:
            progress(len(stored))
    return stored


@transaction.atomic
def enrollment_update(
    *, enrollment: Enrollment, by: User | None, **changes: Unpack[EnrollmentChanges]
) -> Enrollment:
    """Change an enrollment within the batch's capacity; its person stays."""
    return model_update(
        enrollment, changes=changes, fixed=ENROLLMENT_FIXED, check=_check_capacity
    )


@transaction.atomic
def enrollment_delete(*, enrollment: Enrollment, by: User | None) -> None:
    model_delete(enrollment)


class EnrollmentsRefused(ValidationError):
    """Some of the enrollments changed at once were refused, so none was changed.

    `refusals` pairs each refused enrollment with its `ValidationError`, to say
    which and why."""

    def __init__(self, refusals: list[tuple[Enrollment, ValidationError]]) -> None:
        super().__init__(
            [message for _enrollment, error in refusals for message in error.messages]
        )
        self.refusals = refusals


@transaction.atomic
def enrollment_update_many(
    *,
    enrollments: Iterable[Enrollment],
    by: User | None,
    **changes: Unpack[EnrollmentChanges],
) -> list[Enrollment]:
    """Make the same change to several enrollments (completing a batch's graduates
    on one date), each through `enrollment_update`, all or nothing: when any is
    refused, none is stored and `EnrollmentsRefused` names every refused one."""
    changed: list[Enrollment] = []
    refusals: list[tuple[Enrollment, ValidationError]] = []
    for enrollment in enrollments:
        try:
            changed.append(enrollment_update(enrollment=enrollment, by=by, **changes))
        except ValidationError as error:
            refusals.append((enrollment, error))
    if refusals:
        raise EnrollmentsRefused(refusals)
    return changed


# --- certifications and graduate outcomes ---------------------------------------------


def _recording_blkk(
    *, trainee: Trainee, recorded_by_blkk: Blkk | None, by: User | None
) -> Blkk | None:
    """The BLKK a new record about `trainee` belongs to for writing.

    A manager names one of their BLKKs that reaches the person, or gets the one that
    registered them, else the one that enrolled them last. Ministry staff's records
    are their own (empty) unless they name a BLKK; commands default to the
    registering BLKK.
    """
    if recorded_by_blkk is not None or (by is not None and by.sees_everything):
        return recorded_by_blkk
    if by is None:
        return trainee.blkk
    mine = managed_blkk_ids(by)
    if trainee.blkk_id in mine:
        return trainee.blkk
    enrolled_here = (
        Enrollment.objects.filter(trainee_id=trainee.pk, batch__blkk_id__in=mine)
        .select_related("batch__blkk")
        .order_by("-created_at", "-pk")
        .first()
    )
    if enrolled_here is None:
        raise ValidationError({"recorded_by_blkk": RECORDED_BY_NOT_REACHING})
    return enrolled_here.batch.blkk


def _check_recorded_by(
    record: Certification | GraduateOutcome | Placement, by: User | None
):
    """The record's BLKK reaches its person, and is the writer's own."""
    blkk_id = record.recorded_by_blkk_id
    if blkk_id is None:
        return
    reaching = blkk_ids_reaching(record.trainee)
    if by is not None and not by.sees_everything:
        reaching &= managed_blkk_ids(by)
    if blkk_id not in reaching:
        raise ValidationError({"recorded_by_blkk": RECORDED_BY_NOT_REACHING})


def _record_fixed_fields(by: User | None) -> dict[str, StrOrPromise]:
    if by is None or by.sees_everything:
        return {}
    return {"recorded_by_blkk": RECORDED_BY_FIXED}


class CertificationChanges(TypedDict, total=False):
    trainee: Trainee
    scheme: str
    lsp_name: str
    issued_on: datetime.date
    result: str
    number: str
    recorded_by_blkk: Blkk | None


@transaction.atomic
def certification_create(
    *,
    trainee: Trainee,
    scheme: str,
    lsp_name: str,
    issued_on: datetime.date,
    result: str,
    number: str = "",
    recorded_by_blkk: Blkk | None = None,
    by: User | None,
) -> Certification:
    return model_create(
        Certification,
        fields={
            "trainee": trainee,
            "scheme": scheme,
            "lsp_name": lsp_name,
            "issued_on": issued_on,
            "result": result,
            "number": number,
            "recorded_by_blkk": _recording_blkk(
                trainee=trainee, recorded_by_blkk=recorded_by_blkk, by=by
            ),
        },
        check=partial(_check_recorded_by, by=by),
    )


@transaction.atomic
def certification_update(
    *,
    certification: Certification,
    by: User | None,
    **changes: Unpack[CertificationChanges],
) -> Certification:
    return model_update(
        certification,
        changes=changes,
        fixed=_record_fixed_fields(by),
        check=partial(_check_recorded_by, by=None),
    )


@transaction.atomic
def certification_delete(*, certification: Certification, by: User | None) -> None:
    model_delete(certification)


class GraduateOutcomeChanges(TypedDict, total=False):
    trainee: Trainee
    surveyed_on: datetime.date
    status: str
    employer_or_business: str
    monthly_income: int | None
    recorded_by_blkk: Blkk | None


@transaction.atomic
def outcome_create(
    *,
    trainee: Trainee,
    surveyed_on: datetime.date,
    status: str,
    employer_or_business: str = "",
    monthly_income: int | None = None,
    recorded_by_blkk: Blkk | None = None,
    by: User | None,
) -> GraduateOutcome:
    """Record a tracer-study answer about a graduate."""
    return model_create(
        GraduateOutcome,
        fields={
            "trainee": trainee,
            "surveyed_on": surveyed_on,
            "status": status,
            "employer_or_business": employer_or_business,
            "monthly_income": monthly_income,
            "recorded_by_blkk": _recording_blkk(
                trainee=trainee, recorded_by_blkk=recorded_by_blkk, by=by
            ),
        },
        check=partial(_check_recorded_by, by=by),
    )


@transaction.atomic
def outcome_update(
    *,
    outcome: GraduateOutcome,
    by: User | None,
    **changes: Unpack[GraduateOutcomeChanges],
) -> GraduateOutcome:
    return model_update(
        outcome,
        changes=changes,
        fixed=_record_fixed_fields(by),
        check=partial(_check_recorded_by, by=None),
    )


@transaction.atomic
def outcome_delete(*, outcome: GraduateOutcome, by: User | None) -> None:
    model_delete(outcome)


# --- for the admin and the API --------------------------------------------------------

VOCATIONAL_FIELDS = ModelServices(
    create=vocational_field_create,
    update=vocational_field_update,
    delete=vocational_field_delete,
)
BLKKS = ModelServices(
    create=blkk_create,
    update=blkk_update,
    delete=blkk_delete,
    # The grade, given at registration, then changed by grade assessments alone.
    fixed=tuple(BLKK_FIXED),
    # Managers may post only the contact fields; the service refuses the rest.
    guarded=tuple(
        field.name
        for field in [*Blkk._meta.concrete_fields, *Blkk._meta.many_to_many]
        if field.editable
        and not field.primary_key
        and field.name not in BLKK_CONTACT_FIELDS
        and field.name not in BLKK_FIXED
    ),
)
BATCHES = ModelServices(create=batch_create, update=batch_update, delete=batch_delete)
TRAINEES = ModelServices(
    create=trainee_register,
    update=trainee_update,
    delete=trainee_erase,
    fixed=tuple(TRAINEE_FIXED),
    guarded=("blkk",),
)
ENROLLMENTS = ModelServices(
    create=enrollment_create,
    update=enrollment_update,
    delete=enrollment_delete,
    fixed=tuple(ENROLLMENT_FIXED),
)
CERTIFICATIONS = ModelServices(
    create=certification_create,
    update=certification_update,
    delete=certification_delete,
    guarded=("recorded_by_blkk",),
)
OUTCOMES = ModelServices(
    create=outcome_create,
    update=outcome_update,
    delete=outcome_delete,
    guarded=("recorded_by_blkk",),
)


# --- placements (pemagangan, skema penempatan) ---------------------------------------

PLACEMENT_FIXED: dict[str, StrOrPromise] = {
    "trainee": _("The person of a placement cannot be changed.")
}
PARTNERSHIP_NOT_SEEN = _("Choose a partnership of your BLKK or a national one.")
PLACEMENT_KEPT_ELSEWHERE = _(
    "This record is kept by the BLKK that recorded it: only its managers change it."
)
# The rules the database checks again (the trigger `training_placement_rules` of
# migration 0009), by the name it raises: the field and message `Placement.clean()`
# gives for each.
PLACEMENT_DATABASE_RULES: dict[str, tuple[str, StrOrPromise]] = {
    "placement_for_a_graduate": ("start_date", NOT_A_GRADUATE),
    "placement_partnership_same_partner": (
        "partnership",
        PARTNERSHIP_OF_ANOTHER_PARTNER,
    ),
}


class PlacementChanges(TypedDict, total=False):
    trainee: Trainee
    partner: Partner
    partnership: Partnership | None
    kind: str
    position: str
    start_date: datetime.date
    end_date: datetime.date | None
    monthly_pay: int | None
    status: str
    recorded_by_blkk: Blkk | None


def _check_partnership_seen(partnership: Partnership | None, by: User | None) -> None:
    """A manager places people under a partnership they see: one of their BLKKs'
    or a national one."""
    if partnership is None or by is None or by.sees_everything:
        return
    if not Partnership.objects.visible_to(by).filter(pk=partnership.pk).exists():
        raise ValidationError({"partnership": PARTNERSHIP_NOT_SEEN})


def _ensure_placement_writable(placement: Placement, by: User | None) -> None:
    """Only the managers of the BLKK a placement was recorded for (and ministry
    staff) change or delete it, whichever door calls."""
    if by is None or by.sees_everything:
        return
    if not Placement.objects.writable_by(by).filter(pk=placement.pk).exists():
        raise PermissionDenied(PLACEMENT_KEPT_ELSEWHERE)


def _placement_stored(store: Callable[[], Placement]) -> Placement:
    """`store()` in a savepoint. The database checks a placement's rules again when
    the row is written, which catches what `clean()` could not yet see (the
    person's only enrollment dropped at the same moment): that refusal comes back
    as the field error `clean()` gives, never as an IntegrityError (a 500)."""
    try:
        with transaction.atomic():
            return store()
    except IntegrityError as error:
        diagnosis = getattr(error.__cause__, "diag", None)
        rule = PLACEMENT_DATABASE_RULES.get(
            getattr(diagnosis, "message_primary", None) or ""
        )
        if rule is None:
            raise
        field, message = rule
        raise ValidationError({field: message}, code="placement_rule") from error


@transaction.atomic
def placement_create(
    *,
    trainee: Trainee,
    partner: Partner,
    kind: str,
    position: str,
    start_date: datetime.date,
    partnership: Partnership | None = None,
    end_date: datetime.date | None = None,
    monthly_pay: int | None = None,
    status: str = PlacementStatus.PLANNED,
    recorded_by_blkk: Blkk | None = None,
    by: User | None,
) -> Placement:
    """Record a person placed with a partner: an apprenticeship (pemagangan),
    employment or work abroad. The person must have completed a training on or
    before `start_date` (an apprenticeship may also start during one that is not
    dropped); the record is kept by `recorded_by_blkk` (see `_recording_blkk`)."""
    fields = {
        "trainee": trainee,
        "partner": partner,
        "partnership": partnership,
        "kind": kind,
        "position": position,
        "start_date": start_date,
        "end_date": end_date,
        "monthly_pay": monthly_pay,
        "status": status,
        "recorded_by_blkk": _recording_blkk(
            trainee=trainee, recorded_by_blkk=recorded_by_blkk, by=by
        ),
    }

    def check(placement: Placement) -> None:
        _check_recorded_by(placement, by=by)
        _check_partnership_seen(placement.partnership, by)

    return _placement_stored(
        lambda: model_create(Placement, fields=fields, check=check)
    )


@transaction.atomic
def placement_update(
    *,
    placement: Placement,
    by: User | None,
    **changes: Unpack[PlacementChanges],
) -> Placement:
    """Change a placement (its status as it goes on, its end); its person never,
    the BLKK keeping it only by ministry staff."""
    _ensure_placement_writable(placement, by)
    # A partnership already on the row stays, even one the manager does not see
    # (ministry staff set it); a new one must be among theirs.
    partnership_set = "partnership" in changed_fields(placement, changes)

    def check(placement: Placement) -> None:
        _check_recorded_by(placement, by=None)
        if partnership_set:
            _check_partnership_seen(placement.partnership, by)

    return _placement_stored(
        lambda: model_update(
            placement,
            changes=changes,
            fixed={**PLACEMENT_FIXED, **_record_fixed_fields(by)},
            check=check,
        )
    )


@transaction.atomic
def placement_delete(*, placement: Placement, by: User | None) -> None:
    _ensure_placement_writable(placement, by)
    model_delete(placement)


PLACEMENTS = ModelServices(
    create=placement_create,
    update=placement_update,
    delete=placement_delete,
    fixed=tuple(PLACEMENT_FIXED),
    guarded=("recorded_by_blkk",),
)


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


# --- partners and partnerships --------------------------------------------------------
# DESIGN.md, "Programme records the seeds name" and "Roles and scoping": partners are
# shared reference data that managers may add and ministry staff alone change or
# delete; a partnership is a BLKK's (its managers write it) or, without a BLKK, the
# ministry's national one (ministry staff alone write it).


MINISTRY_ONLY_PARTNER = _("Only ministry staff can change or delete a partner.")
PARTNER_ADDED_BY = _("Only ministry staff and BLKK managers can add a partner.")
PARTNER_ALREADY_RECORDED = _(
    "%(name)s (%(regency)s) is already recorded as a partner, no. %(id)s: choose it "
    "instead of adding it again."
)
PARTNER_ALREADY_RECORDED_NO_REGENCY = _(
    "%(name)s (no regency) is already recorded as a partner, no. %(id)s: choose it "
    "instead of adding it again."
)
PARTNER_IN_USE = _(
    "This partner cannot be deleted: partnerships or placements refer to it. Only a "
    "partner that nothing refers to can be deleted."
)
PARTNERSHIP_WRITERS = _(
    "Only ministry staff and the BLKK's managers record its partnerships."
)
NATIONAL_PARTNERSHIP_MINISTRY_ONLY = _(
    "A national partnership (without a BLKK) is the ministry's: only ministry staff "
    "record it. Choose your BLKK."
)
NATIONAL_PARTNERSHIP_FIXED = _(
    "A national partnership is the ministry's: only ministry staff change or delete it."
)
PARTNERSHIP_OF_YOUR_BLKK = _("Choose one of the BLKKs you manage.")
PURPOSES_REQUIRED = _("Choose at least one purpose.")
PURPOSE_REPEATED = _("Give each purpose once: %(purpose)s is repeated.")
PARTNER_OF_PLACEMENTS = _(
    "Placements were made through this partnership with its partner, so its partner "
    "cannot be changed: record a new partnership with the other partner instead."
)
PARTNERSHIP_IN_USE = _(
    "This partnership cannot be deleted: placements were made through it."
)


class PartnerChanges(TypedDict, total=False):
    name: str
    kind: str
    regency: Regency | None
    contact_name: str
    phone: str
    email: str


def partner_namesake(*, name: str, regency: Regency | None) -> Partner | None:
    """The partner already recorded under `name` (ignoring case and surrounding
    spaces) in `regency` (None: among those without one), if any: adding it again
    would be an obvious duplicate."""
    rows = Partner.objects.filter(name__iexact=name.strip())
    if regency is None:
        rows = rows.filter(regency__isnull=True)
    else:
        rows = rows.filter(regency_id=regency.pk)
    return rows.order_by("pk").first()


def _lock_partner_name(name: str) -> None:
    """Hold, until the transaction ends, the right to add a partner of this name, so
    that two people adding the same partner at once are decided one after the other
    and the second is refused as a namesake (a PostgreSQL advisory lock; SQLite
    serialises writers by itself)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"training.partner:{name.strip().lower()}"],
        )


def _refuse_namesake(partner: Partner) -> None:
    regency = partner.regency
    namesake = partner_namesake(name=partner.name, regency=regency)
    if namesake is None:
        return
    if regency is None:
        message = PARTNER_ALREADY_RECORDED_NO_REGENCY % {
            "name": namesake.name,
            "id": namesake.pk,
        }
    else:
        message = PARTNER_ALREADY_RECORDED % {
            "name": namesake.name,
            "regency": regency.name,
            "id": namesake.pk,
        }
    raise ValidationError({"name": ValidationError(message, code="duplicate")})


def _ensure_partner_changer(by: User | None) -> None:
    # `PartnerQuerySet.writable_by`: ministry staff alone.
    if by is not None and not by.sees_everything:
        raise PermissionDenied(MINISTRY_ONLY_PARTNER)


@transaction.atomic
def partner_create(
    *,
    name: str,
    kind: str,
    regency: Regency | None = None,
    contact_name: str = "",
    phone: str = "",
    email: str = "",
    by: User | None,
) -> Partner:
    """Add a partner (ministry staff or a BLKK manager), unless one of the same name
    is already recorded in the same regency (ignoring case): the refusal names it,
    to be chosen instead. Ministry staff may still rename partners afterwards."""
    if by is not None and not by.has_perm("training.add_partner"):
        raise PermissionDenied(PARTNER_ADDED_BY)
    _lock_partner_name(name)
    return model_create(
        Partner,
        fields={
            "name": name.strip(),
            "kind": kind,
            "regency": regency,
            "contact_name": contact_name,
            "phone": phone,
            "email": email,
        },
        check=_refuse_namesake,
    )


@transaction.atomic
def partner_update(
    *, partner: Partner, by: User | None, **changes: Unpack[PartnerChanges]
) -> Partner:
    """Change a partner: ministry staff only."""
    _ensure_partner_changer(by)
    return model_update(partner, changes=changes)


@transaction.atomic
def partner_delete(*, partner: Partner, by: User | None) -> None:
    """Delete a partner recorded by mistake (ministry staff only); one that
    partnerships or placements refer to is refused (the database's PROTECT too)."""
    _ensure_partner_changer(by)
    if partner.partnerships.exists() or partner.placements.exists():
        raise ValidationError(PARTNER_IN_USE, code="protected")
    model_delete(partner)


class PartnershipChanges(TypedDict, total=False):
    partner: Partner
    blkk: Blkk | None
    purposes: Iterable[PartnershipPurpose]
    agreement_number: str
    signed_on: datetime.date | None
    start_date: datetime.date
    end_date: datetime.date | None


def _ensure_partnership_blkk(*, blkk: Blkk | None, by: User | None) -> None:
    """`by` may hold a partnership of `blkk` (None: a national one)."""
    if by is None or by.sees_everything:
        return
    if by.role != Role.BLKK_MANAGER:
        raise PermissionDenied(PARTNERSHIP_WRITERS)
    if blkk is None:
        refusal = ValidationError(NATIONAL_PARTNERSHIP_MINISTRY_ONLY, code="national")
        raise ValidationError({"blkk": refusal})
    if blkk.pk not in managed_blkk_ids(by):
        raise ValidationError({"blkk": PARTNERSHIP_OF_YOUR_BLKK})


def _ensure_partnership_writable(*, partnership: Partnership, by: User | None) -> None:
    """`by` may change or delete this stored partnership."""
    if by is None or by.sees_everything:
        return
    if partnership.blkk_id is None:
        raise PermissionDenied(NATIONAL_PARTNERSHIP_FIXED)
    if by.role != Role.BLKK_MANAGER or partnership.blkk_id not in managed_blkk_ids(by):
        raise PermissionDenied(PARTNERSHIP_WRITERS)


def _purpose_errors(purposes: Iterable[PartnershipPurpose]) -> dict[str, list]:
    """At least one purpose, none given twice (a repeat is refused, not dropped)."""
    chosen = list(purposes)
    if not chosen:
        return {"purposes": [ValidationError(PURPOSES_REQUIRED, code="required")]}
    seen: set[str] = set()
    for purpose in chosen:
        if purpose.pk in seen:
            message = PURPOSE_REPEATED % {"purpose": purpose.pk}
            return {"purposes": [ValidationError(message, code="repeated")]}
        seen.add(purpose.pk)
    return {}


class _RefusedBeforeSaving(ValidationError):
    """The rules a service checks beside the row's own, raised by its `check`."""


def _stored_with(store: Callable[[Callable], Partnership], errors: dict) -> Partnership:
    """Run `store(check)` (`model_create` or `model_update`), refusing `errors` (the
    service's own rules) together with whatever the row's validation refuses, so
    that every field's message comes at once."""

    def check(_instance) -> None:
        if errors:
            raise _RefusedBeforeSaving(errors)

    try:
        return store(check)
    except _RefusedBeforeSaving:
        raise
    except ValidationError as error:
        if not errors or not hasattr(error, "error_dict"):
            raise
        merged = {name: list(messages) for name, messages in errors.items()}
        raise ValidationError(error.update_error_dict(merged)) from error


@transaction.atomic
def partnership_create(
    *,
    partner: Partner,
    blkk: Blkk | None = None,
    purposes: Iterable[PartnershipPurpose],
    agreement_number: str = "",
    signed_on: datetime.date | None = None,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    by: User | None,
) -> Partnership:
    """Record a partnership of `blkk` with `partner` (a BLKK's managers or ministry
    staff), or without a BLKK the ministry's national one (ministry staff only)."""
    _ensure_partnership_blkk(blkk=blkk, by=by)
    chosen = list(purposes)
    return _stored_with(
        lambda check: model_create(
            Partnership,
            fields={
                "partner": partner,
                "blkk": blkk,
                "purposes": chosen,
                "agreement_number": agreement_number,
                "signed_on": signed_on,
                "start_date": start_date,
                "end_date": end_date,
            },
            check=check,
        ),
        _purpose_errors(chosen),
    )


@transaction.atomic
def partnership_update(
    *,
    partnership: Partnership,
    by: User | None,
    **changes: Unpack[PartnershipChanges],
) -> Partnership:
    """Change a partnership its writer holds (see `partnership_create`). Its partner
    stays once placements were made through it (their partnership is with their
    partner): the row is locked first, so a placement recorded meanwhile is seen."""
    _ensure_partnership_writable(partnership=partnership, by=by)
    if "blkk" in changes:
        _ensure_partnership_blkk(blkk=changes["blkk"], by=by)
    errors: dict[str, list] = {}
    partner = changes.get("partner")
    if "purposes" in changes:
        changes["purposes"] = list(changes["purposes"])
        errors |= _purpose_errors(changes["purposes"])
    if partner is not None and changed_fields(partnership, {"partner": partner}):
        # Locked against placements recorded meanwhile (their foreign key's check
        # waits for this lock), then asked.
        Partnership.objects.select_for_update().only("pk").get(pk=partnership.pk)
        if partnership.placements.exists():
            errors["partner"] = [
                ValidationError(PARTNER_OF_PLACEMENTS, code="placements")
            ]
    return _stored_with(
        lambda check: model_update(partnership, changes=changes, check=check), errors
    )


@transaction.atomic
def partnership_delete(*, partnership: Partnership, by: User | None) -> None:
    """Delete a partnership its writer holds, unless placements were made through
    it (the database's PROTECT too)."""
    _ensure_partnership_writable(partnership=partnership, by=by)
    if partnership.placements.exists():
        raise ValidationError(PARTNERSHIP_IN_USE, code="protected")
    model_delete(partnership)


# --- for the admin and the API: partners and partnerships -----------------------------

PARTNERS = ModelServices(
    create=partner_create, update=partner_update, delete=partner_delete
)
PARTNERSHIPS = ModelServices(
    create=partnership_create, update=partnership_update, delete=partnership_delete
)


# --- grade assessments (Peta Jalan Kemandirian BLKK) ----------------------------------

MINISTRY_ONLY_ASSESSMENT = _("Only ministry staff record a BLKK's grade assessments.")
GRADE_ASSESSMENT_FIXED: dict[str, StrOrPromise] = {
    "assessed_by": _("The assessor is whoever recorded the assessment.")
}


class GradeAssessmentChanges(TypedDict, total=False):
    blkk: Blkk
    assessed_on: datetime.date
    grade: str
    has_competent_managers: bool
    has_certified_instructors: bool
    is_licensed: bool
    tracks_alumni: bool
    has_partnerships: bool
    produces_goods_or_services: bool
    is_self_funding: bool
    note: str


def _ensure_assessor(by: User | None) -> None:
    if by is not None and not by.sees_everything:
        raise PermissionDenied(MINISTRY_ONLY_ASSESSMENT)


def _blkks_locked(*blkk_ids: int) -> list[Blkk]:
    """The BLKKs' rows, locked until the transaction ends (in id order, so that two
    writers locking the same pair cannot deadlock): assessments of one BLKK are
    recorded one after the other, each seeing the ones before it."""
    rows = Blkk.objects.select_for_update().filter(pk__in=set(blkk_ids))
    return list(rows.order_by("pk"))


def _blkk_grade_refresh(blkk: Blkk, *, by: User | None, reason: str) -> None:
    """Set `blkk.grade` (a locked row) to its grade today, from its assessments
    (`selectors.blkk_grade_on`); a change is kept in the BLKK's history with
    `reason` and `by`."""
    grade = selectors.blkk_grade_on(blkk, timezone.localdate())
    if grade == blkk.grade:
        return
    blkk.grade = grade
    blkk._change_reason = reason  # type: ignore[attr-defined]
    if by is not None:
        blkk._history_user = by  # type: ignore[attr-defined]
    blkk.save(update_fields=["grade", "updated_at"])


@transaction.atomic
def grade_assessment_record(
    *,
    blkk: Blkk,
    grade: str,
    assessed_on: datetime.date | None = None,
    has_competent_managers: bool = False,
    has_certified_instructors: bool = False,
    is_licensed: bool = False,
    tracks_alumni: bool = False,
    has_partnerships: bool = False,
    produces_goods_or_services: bool = False,
    is_self_funding: bool = False,
    note: str = "",
    by: User | None,
) -> GradeAssessment:
    """Record an assessment of `blkk` against the roadmap to independence, by
    `by` (its assessor; ministry staff only), dated `assessed_on` (today unless
    given; never in the future). The assessor gives the grade; the criteria are
    what they found. The BLKK's grade becomes its latest assessment's (an
    assessment dated before a later one leaves it as it is)."""
    _ensure_assessor(by)
    (locked,) = _blkks_locked(blkk.pk)
    assessment = model_create(
        GradeAssessment,
        fields={
            "blkk": locked,
            "assessed_on": assessed_on or timezone.localdate(),
            "assessed_by": by,
            "grade": grade,
            "has_competent_managers": has_competent_managers,
            "has_certified_instructors": has_certified_instructors,
            "is_licensed": is_licensed,
            "tracks_alumni": tracks_alumni,
            "has_partnerships": has_partnerships,
            "produces_goods_or_services": produces_goods_or_services,
            "is_self_funding": is_self_funding,
            "note": note,
        },
    )
    _blkk_grade_refresh(
        locked, by=by, reason=f"grade assessment {assessment.pk} recorded"
    )
    return assessment


@transaction.atomic
def grade_assessment_update(
    *,
    assessment: GradeAssessment,
    by: User | None,
    **changes: Unpack[GradeAssessmentChanges],
) -> GradeAssessment:
    """Correct an assessment (ministry staff only); its assessor stays. The grade
    of its BLKK (of both, when it moves to another) follows."""
    _ensure_assessor(by)
    moved_to = changes.get("blkk")
    locked = _blkks_locked(
        assessment.blkk_id, *([moved_to.pk] if moved_to is not None else [])
    )
    assessment = model_update(assessment, changes=changes, fixed=GRADE_ASSESSMENT_FIXED)
    for blkk in locked:
        _blkk_grade_refresh(
            blkk, by=by, reason=f"grade assessment {assessment.pk} changed"
        )
    return assessment


@transaction.atomic
def grade_assessment_delete(*, assessment: GradeAssessment, by: User | None) -> None:
    """Delete an assessment (ministry staff only); its BLKK's grade goes back to
    what its other assessments, or its registration, say."""
    _ensure_assessor(by)
    (locked,) = _blkks_locked(assessment.blkk_id)
    pk = assessment.pk
    model_delete(assessment)
    _blkk_grade_refresh(locked, by=by, reason=f"grade assessment {pk} deleted")


GRADE_ASSESSMENTS = ModelServices(
    create=grade_assessment_record,
    update=grade_assessment_update,
    delete=grade_assessment_delete,
    fixed=tuple(GRADE_ASSESSMENT_FIXED),
)
