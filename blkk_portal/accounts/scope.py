"""A user's reach, worked out once per user and expressed as lazy subqueries.

Every `visible_to(user)` in the portal starts here: a province user and a BLKK manager
reach a set of BLKKs; a mentor (any user with a Mentor profile) reaches what they are
assigned. A user who is both gets the union. Nothing here runs a query except the
one look-up of the user's Mentor profile; the sets are subqueries that the database
folds into each scoped query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Role, User

_CACHE_ATTR = "_portal_scope"


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    # BLKK ids reached as provincial staff or as a manager, or None.
    blkk_ids: QuerySet | None = None
    # The user's Mentor profile id, or None.
    mentor_id: int | None = None

    @property
    def mentored_venture_ids(self) -> QuerySet:
        from mentoring.models import MentorAssignment

        return MentorAssignment.objects.filter(
            mentor_id=self.mentor_id, venture__isnull=False
        ).values("venture_id")

    @property
    def actively_mentored_venture_ids(self) -> QuerySet:
        """Ventures of the mentor's assignments that are active today."""
        from django.utils import timezone

        from mentoring.models import MentorAssignment

        return (
            MentorAssignment.objects.filter(
                mentor_id=self.mentor_id, venture__isnull=False
            )
            .active_on(timezone.localdate())
            .values("venture_id")
        )

    @property
    def mentored_blkk_ids(self) -> QuerySet:
        """BLKKs of the mentor's BLKK-wide assignments."""
        from mentoring.models import MentorAssignment

        return MentorAssignment.objects.filter(
            mentor_id=self.mentor_id, blkk__isnull=False
        ).values("blkk_id")


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def _reached_blkk_ids(user: User) -> QuerySet | None:
    from training.models import Blkk

    if user.role == Role.PROVINCE and user.province_id:
        return Blkk.objects.filter(regency__province_id=user.province_id).values("pk")
    if user.role == Role.BLKK_MANAGER:
        return Blkk.managers.through.objects.filter(user_id=user.pk).values("blkk_id")
    return None


def _mentor_id(user: User) -> int | None:
    from mentoring.models import Mentor

    return Mentor.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()


def scope_of(user) -> Scope:
    """The reach of `user`, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.sees_everything:
        scope = EVERYTHING
    else:
        scope = Scope(blkk_ids=_reached_blkk_ids(user), mentor_id=_mentor_id(user))
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's role, province or BLKKs change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
