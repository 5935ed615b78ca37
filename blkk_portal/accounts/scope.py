"""A user's reach, worked out once per user and expressed as lazy subqueries.

Every `visible_to(user)` in the portal starts here: a province user and a BLKK manager
reach a set of BLKKs; a mentor (any user with a Mentor profile) reaches what they are
assigned. A user who is both gets the union.

The sets are computed by the app that owns the records they are made of, and named
here (`Reach`): `training` says which BLKKs a user reaches, `mentoring` what a mentor's
assignments reach. A lower app asks for a set by its name (the trainees a mentor
reaches are `scope.reach(Reach.MENTORED_TRAINEES)`) without importing the app above it
that knows how to compute it, so dependencies keep pointing one way (DESIGN.md,
"Architecture"). Nothing here runs a query except the look-up of the user's Mentor
profile and, for provincial staff, of their province's BLKK ids (a list the planner
can count); the other sets are subqueries the database folds into each scoped query.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_CACHE_ATTR = "_portal_scope"


class Reach(StrEnum):
    """The named sets a scope is made of; each is provided by one app."""

    # BLKK ids reached as provincial staff (a list, read once) or as a manager (a
    # subquery), or None.
    BLKKS = "blkks"
    # Ids of the people those BLKKs reach (a subquery), or None: built once per
    # scope and shared by every trainee-based list and the whole-NIK flag.
    BLKK_TRAINEES = "blkk_trainees"
    # The user's Mentor profile id, or None.
    MENTOR = "mentor"
    # Ids reached through the mentor's assignments (subqueries).
    MENTORED_VENTURES = "mentored_ventures"
    ACTIVELY_MENTORED_VENTURES = "actively_mentored_ventures"
    MENTORED_BLKKS = "mentored_blkks"
    # BLKKs of the mentor's assignments active today (BLKK-wide or to a venture).
    ACTIVELY_MENTORED_BLKKS = "actively_mentored_blkks"
    MENTORED_COHORTS = "mentored_cohorts"
    MENTORED_TRAINEES = "mentored_trainees"


Provider = Callable[["Scope"], Any]
_PROVIDERS: dict[Reach, Provider] = {}


def provides(reach: Reach) -> Callable[[Provider], Provider]:
    """Register the function that computes `reach` for a scope (one per name)."""

    def register(function: Provider) -> Provider:
        existing = _PROVIDERS.get(reach)
        if existing is not None and existing.__qualname__ != function.__qualname__:
            raise ImproperlyConfigured(f"Two providers of {reach!s}.")
        _PROVIDERS[reach] = function
        return function

    return register


class Scope:
    """What one user reaches. Ministry staff reach everything; an anonymous or
    inactive user nothing; everyone else the sets their role and assignments give."""

    def __init__(self, user=None, *, everything: bool = False) -> None:
        self.user = user
        self.everything = everything

    @cached_property
    def blkk_ids(self):
        """Ids of the BLKKs reached as provincial staff or a manager, or None."""
        return self.reach(Reach.BLKKS) if self.user is not None else None

    @cached_property
    def mentor_id(self) -> int | None:
        return self.reach(Reach.MENTOR) if self.user is not None else None

    def reach(self, name: Reach):
        """The set `name` for this scope, computed once by the app that provides it."""
        cache = self.__dict__.setdefault("_reaches", {})
        if name not in cache:
            provider = _PROVIDERS.get(name)
            if provider is None:
                raise ImproperlyConfigured(f"No app provides the reach {name!s}.")
            cache[name] = provider(self)
        return cache[name]


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_of(user) -> Scope:
    """The reach of `user`, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = EVERYTHING if user.sees_everything else Scope(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's role, province or BLKKs change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
