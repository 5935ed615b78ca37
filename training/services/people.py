"""Writes of the training app's core records: trades, BLKKs and their hand-over,
training batches, trainees, enrollments, certifications and graduate outcomes."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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

from .. import selectors
from ..models import (
    BLKK_CONTACT_FIELDS,
    Blkk,
    BlkkHandover,
    Certification,
    Enrollment,
    EnrollmentStatus,
    Grade,
    GraduateOutcome,
    LspStatus,
    Regency,
    Trainee,
    TrainingBatch,
    VocationalField,
)
from ..programme_records import (
    Placement,
)
from ..validators import nik_provinces_read_once

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
    account: User | None


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
    account: User | None = None,
    by: User | None,
) -> Trainee:
    """Validate and store a new person; their NIK must be new nationwide. Consent is
    taken on the registration date (today unless given) unless recorded otherwise.
    Only ministry staff link the person to a portal account."""
    if account is not None and by is not None and not by.sees_everything:
        raise ValidationError({"account": MINISTRY_ONLY_FIELD})
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
            "account": account,
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
        refused["account"] = MINISTRY_ONLY_FIELD
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
