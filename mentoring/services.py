"""Every write of the mentoring app: mentors, assignments and sessions. The admin,
the API and commands call these.

Creates take the model's fields as keywords; updates take the row and the fields to
change; each takes `by`, the acting user (None for commands and seed data).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blkk_portal.accounts.models import ADMIN_ROLES, Role, User
from blkk_portal.accounts.scope import forget_scope
from blkk_portal.services import (
    ModelServices,
    model_bulk_create,
    model_create,
    model_delete,
    model_update,
)
from incubator.models import Venture
from training.models import Blkk, Province

from .models import (
    EASTERNMOST_ZONE,
    AssignmentStatus,
    Mentor,
    MentorAssignment,
    MentoringSession,
)

if TYPE_CHECKING:
    from typing import Unpack


# --- mentors --------------------------------------------------------------------------


class MentorChanges(TypedDict, total=False):
    user: User | None
    full_name: str
    expertise: str
    affiliation: str
    home_blkk: Blkk | None
    max_active_assignments: int


@transaction.atomic
def mentor_create(
    *,
    user: User | None = None,
    full_name: str,
    expertise: str = "",
    affiliation: str,
    home_blkk: Blkk | None = None,
    max_active_assignments: int = 5,
    by: User | None,
) -> Mentor:
    return model_create(
        Mentor,
        fields={
            "user": user,
            "full_name": full_name,
            "expertise": expertise,
            "affiliation": affiliation,
            "home_blkk": home_blkk,
            "max_active_assignments": max_active_assignments,
        },
    )


@transaction.atomic
def mentor_update(
    *, mentor: Mentor, by: User | None, **changes: Unpack[MentorChanges]
) -> Mentor:
    return model_update(mentor, changes=changes)


@transaction.atomic
def mentor_delete(*, mentor: Mentor, by: User | None) -> None:
    model_delete(mentor)


# --- assignments ----------------------------------------------------------------------


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


def _check_mentor_capacity(assignment: MentorAssignment) -> None:
    # Looked up when called, so a test can slow the check down (test_concurrency).
    assignment_ensure_mentor_capacity(assignment=assignment)


class MentorAssignmentChanges(TypedDict, total=False):
    mentor: Mentor
    venture: Venture | None
    blkk: Blkk | None
    start_date: datetime.date
    end_date: datetime.date | None
    status: str


@transaction.atomic
def assignment_create(
    *,
    mentor: Mentor,
    venture: Venture | None = None,
    blkk: Blkk | None = None,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    status: str = AssignmentStatus.PLANNED,
    by: User | None,
) -> MentorAssignment:
    """Assign a mentor to a venture or a whole BLKK, within the mentor's maximum of
    active assignments."""
    return model_create(
        MentorAssignment,
        fields={
            "mentor": mentor,
            "venture": venture,
            "blkk": blkk,
            "start_date": start_date,
            "end_date": end_date,
            "status": status,
        },
        check=_check_mentor_capacity,
    )


@transaction.atomic
def assignment_update(
    *,
    assignment: MentorAssignment,
    by: User | None,
    **changes: Unpack[MentorAssignmentChanges],
) -> MentorAssignment:
    return model_update(assignment, changes=changes, check=_check_mentor_capacity)


@transaction.atomic
def assignment_delete(*, assignment: MentorAssignment, by: User | None) -> None:
    model_delete(assignment)


# --- sessions -------------------------------------------------------------------------


def session_edit_deadline(session: MentoringSession) -> datetime.datetime:
    """A mentor may change a session until the end of the day after it was recorded."""
    recorded = timezone.localtime(session.created_at, EASTERNMOST_ZONE).date()
    next_day_end = datetime.datetime.combine(
        recorded + datetime.timedelta(days=2), datetime.time.min, EASTERNMOST_ZONE
    )
    return next_day_end


def session_ensure_writable(*, session: MentoringSession, by: User | None) -> None:
    """Ministry staff (and commands, `by` None) write any session; a mentor writes
    sessions of their own active assignments, and changes one only until the end of
    the day after recording it."""
    if by is None or by.sees_everything:
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


class MentoringSessionChanges(TypedDict, total=False):
    assignment: MentorAssignment
    held_on: datetime.date
    duration_minutes: int
    mode: str
    topics: str
    notes: str
    action_items: str
    mentee_rating: int | None


@transaction.atomic
def session_create(
    *,
    assignment: MentorAssignment,
    held_on: datetime.date,
    duration_minutes: int,
    mode: str,
    topics: str,
    notes: str = "",
    action_items: str = "",
    mentee_rating: int | None = None,
    by: User | None,
) -> MentoringSession:
    """Record a session held under an assignment, as `by` (who is kept)."""
    return model_create(
        MentoringSession,
        fields={
            "assignment": assignment,
            "held_on": held_on,
            "duration_minutes": duration_minutes,
            "mode": mode,
            "topics": topics,
            "notes": notes,
            "action_items": action_items,
            "mentee_rating": mentee_rating,
            "recorded_by": by,
        },
        check=lambda session: session_ensure_writable(session=session, by=by),
    )


@transaction.atomic
def session_update(
    *,
    session: MentoringSession,
    by: User | None,
    **changes: Unpack[MentoringSessionChanges],
) -> MentoringSession:
    return model_update(
        session,
        changes=changes,
        check=lambda session: session_ensure_writable(session=session, by=by),
    )


@transaction.atomic
def sessions_bulk_create(
    *, sessions: list[MentoringSession], by: User | None
) -> list[MentoringSession]:
    """Store many sessions at once (the demo data), under the same rules as
    `session_create`."""
    for session in sessions:
        if session.recorded_by_id is None:
            session.recorded_by = by
    return model_bulk_create(
        MentoringSession,
        sessions,
        check=lambda session: session_ensure_writable(session=session, by=by),
    )


@transaction.atomic
def session_delete(*, session: MentoringSession, by: User | None) -> None:
    session_ensure_writable(session=session, by=by)
    model_delete(session)


# --- for the admin and the API --------------------------------------------------------

MENTORS = ModelServices(
    create=mentor_create, update=mentor_update, delete=mentor_delete
)
ASSIGNMENTS = ModelServices(
    create=assignment_create, update=assignment_update, delete=assignment_delete
)
SESSIONS = ModelServices(
    create=session_create, update=session_update, delete=session_delete
)


# --- portal users ---------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    email: str = "",
    province: Province | None = None,
    blkks: list[Blkk] | None = None,
    expertise: str = "",
    affiliation: str = Mentor.Affiliation.BLK,
    home_blkk: Blkk | None = None,
    by: User | None = None,
) -> User:
    """A user with a role; a mentor gets its Mentor profile, a manager their BLKKs.

    Ministry, provincial and BLKK staff may sign into the admin (scoped there as
    everywhere); mentors work in the portal pages and the API. It lives in the
    mentoring app, the lowest that knows every role's records (a manager's BLKKs, a
    mentor's profile), so the accounts base imports no app.

    `password` None leaves the account without a usable one: its person sets it
    through the invitation mail (`blkk_portal.accounts.services.users_invite`), as
    for every account ministry staff import; no password travels in a file.
    `expertise`, `affiliation` and `home_blkk` are a mentor's profile.
    """
    blkks = blkks or []
    if role == Role.BLKK_MANAGER and not blkks:
        raise ValidationError({"blkks": _("A BLKK manager needs at least one BLKK.")})
    if role != Role.BLKK_MANAGER and blkks:
        raise ValidationError({"blkks": _("Only BLKK managers are given BLKKs.")})
    if role == Role.MENTOR and not full_name:
        raise ValidationError({"full_name": _("A mentor needs a full name.")})
    user = User(
        username=username,
        role=role,
        full_name=full_name,
        email=email,
        province=province,
        is_staff=role in ADMIN_ROLES,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if blkks:
        user.managed_blkks.set(blkks)
    if role == Role.MENTOR:
        mentor_create(
            user=user,
            full_name=full_name,
            expertise=expertise,
            affiliation=affiliation,
            home_blkk=home_blkk,
            by=by,
        )
    forget_scope(user)
    return user
