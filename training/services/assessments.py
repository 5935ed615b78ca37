"""Writes of grade assessments (Peta Jalan Kemandirian BLKK), the only way a
BLKK's grade changes."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blkk_portal.services import (
    ModelServices,
    model_create,
    model_delete,
    model_update,
)

from .. import selectors
from ..models import (
    Blkk,
    GradeAssessment,
)

if TYPE_CHECKING:
    from typing import Unpack

    from django_stubs_ext import StrOrPromise

    from blkk_portal.accounts.models import User


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
