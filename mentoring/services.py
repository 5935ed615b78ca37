"""Every write of the mentoring app: assignments and sessions."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import EASTERNMOST_ZONE, Mentor, MentorAssignment, MentoringSession


def assignment_ensure_mentor_capacity(*, assignment: MentorAssignment) -> None:
    """Raise if `assignment` would give its mentor more active assignments than allowed.

    Locks the mentor row until the transaction ends, so concurrent assignments of the
    same mentor are counted one after the other. Must be called inside a transaction.
    """
    today = timezone.localdate()
    if not assignment.is_active_on(today):
        return
    mentor = Mentor.objects.select_for_update().get(pk=assignment.mentor_id)
    active = (
        MentorAssignment.objects.filter(mentor_id=mentor.pk)
        .active_on(today)
        .exclude(pk=assignment.pk)
        .count()
    )
    if active >= mentor.max_active_assignments:
        message = ngettext(
            "This mentor already has %(n)s active assignment (the maximum).",
            "This mentor already has %(n)s active assignments (the maximum).",
            mentor.max_active_assignments,
        ) % {"n": mentor.max_active_assignments}
        raise ValidationError({"mentor": ValidationError(message, code="mentor_full")})


@transaction.atomic
def assignment_save(*, assignment: MentorAssignment) -> MentorAssignment:
    assignment.full_clean()
    assignment_ensure_mentor_capacity(assignment=assignment)
    assignment.save()
    return assignment


def session_edit_deadline(session: MentoringSession) -> datetime.datetime:
    """A mentor may change a session until the end of the day after it was recorded."""
    recorded = timezone.localtime(session.created_at, EASTERNMOST_ZONE).date()
    next_day_end = datetime.datetime.combine(
        recorded + datetime.timedelta(days=2), datetime.time.min, EASTERNMOST_ZONE
    )
    return next_day_end


def session_ensure_writable(*, session: MentoringSession, by) -> None:
    """Ministry staff write any session; a mentor writes sessions of their own active
    assignments, and changes one only until the end of the day after recording it."""
    if by.sees_everything:
        return
    assignment = session.assignment
    mentor = getattr(by, "mentor_profile", None)
    if mentor is None or assignment.mentor_id != mentor.pk:
        raise PermissionDenied(_("You can record sessions only for your assignments."))
    if not assignment.is_active_on(timezone.localdate(timezone=EASTERNMOST_ZONE)):
        raise ValidationError(
            {"assignment": _("Sessions are recorded only for active assignments.")}
        )
    if session.pk and timezone.now() >= session_edit_deadline(session):
        raise PermissionDenied(
            _(
                "A session can be changed only until the end of the day after it "
                "was recorded."
            )
        )


@transaction.atomic
def session_save(*, session: MentoringSession, by) -> MentoringSession:
    session.full_clean()
    session_ensure_writable(session=session, by=by)
    if session.pk is None:
        session.recorded_by = by
    session.save()
    return session


@transaction.atomic
def session_delete(*, session: MentoringSession, by) -> None:
    session_ensure_writable(session=session, by=by)
    session.delete()
