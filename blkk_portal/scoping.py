"""The one door to scoped data: `Model.objects.visible_to(user)`.

Each scoped model's queryset subclasses `ScopedQuerySet`, declares who reads and
writes it (`access`, see `blkk_portal.access`) and says, in small methods, which rows
a set of BLKKs reaches and which rows a mentor reaches. Views, serializers, the
admin, exports and reports all start from `visible_to`; nothing reads a scoped model
through `.all()` on behalf of a user.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models import Q, QuerySet

from blkk_portal.access import Access
from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import Scope, scope_of

NO_ROWS = Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    # Who reads and writes the model: every subclass declares its own.
    access: Access

    def visible_to(self, user) -> QuerySet:
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        condition = NO_ROWS
        if scope.blkk_ids is not None:
            condition |= self.reached_by_blkks(scope.blkk_ids)
        if scope.mentor_id is not None:
            condition |= self.reached_by_mentor(scope)
        return self.filter(condition)

    def writable_by(self, user) -> QuerySet:
        """The rows `user` may change: a subset of `visible_to(user)`.

        Ministry staff write everything; a BLKK manager writes what their BLKKs reach;
        a mentor writes only what `written_by_mentor` allows; provincial staff write
        nothing. Whether the role may change this kind of record at all is the
        permission backend's question (`accounts.backends`), asked separately.
        """
        return self.filter_for_writer(user, self.written_by_mentor)

    def filter_for_writer(
        self, user, written_by_mentor: Callable[[Scope], Q]
    ) -> QuerySet:
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        condition = NO_ROWS
        if user.role == Role.BLKK_MANAGER and scope.blkk_ids is not None:
            condition |= self.written_by_blkks(scope.blkk_ids)
        if scope.mentor_id is not None:
            condition |= written_by_mentor(scope)
        return self.filter(condition)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        """Rows that belong to any BLKK whose id is in `blkk_ids` (a subquery)."""
        raise NotImplementedError

    def written_by_blkks(self, blkk_ids: QuerySet) -> Q:
        """Rows the managers of `blkk_ids` may change: by default every row those
        BLKKs reach; records shared between BLKKs narrow it to their owner's."""
        return self.reached_by_blkks(blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        """Rows a mentor reaches through assignments; none unless a model says so."""
        return NO_ROWS

    def written_by_mentor(self, scope: Scope) -> Q:
        """Rows a mentor may change; none unless a model says so."""
        return NO_ROWS


class ReferenceQuerySet(ScopedQuerySet):
    """Shared reference data (regions, trades): every row for everyone signed in,
    nothing for anyone else; only ministry staff write it."""

    access = Access.reference_data()

    def visible_to(self, user) -> QuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()

    def writable_by(self, user) -> QuerySet:
        return self.all() if scope_of(user).everything else self.none()

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q()
