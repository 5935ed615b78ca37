"""Writes of placements (pemagangan, skema penempatan)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from blkk_portal.services import (
    ModelServices,
    changed_fields,
    model_create,
    model_delete,
    model_update,
)

from ..models import (
    Blkk,
    Partner,
    Partnership,
    Trainee,
)
from ..programme_records import (
    NOT_A_GRADUATE,
    PARTNERSHIP_OF_ANOTHER_PARTNER,
    Placement,
    PlacementStatus,
)
from .people import _check_recorded_by, _record_fixed_fields, _recording_blkk

if TYPE_CHECKING:
    from typing import Unpack

    from django_stubs_ext import StrOrPromise

    from blkk_portal.accounts.models import User


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
