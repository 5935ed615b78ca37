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
    # The scope `visible_to` narrowed these rows to, kept through every step that
    # can only narrow them further (filters, annotations, ordering, slices) and
    # dropped by the steps that can add rows (`|`, `^`, union): a later step that
    # asks of each row "does this user reach it?" may then answer from the scope
    # instead of asking the database a second time (`within_visible_to`).
    _narrowed_to: Scope | None = None

    def visible_to(self, user) -> QuerySet:
        scope = scope_of(user)
        if scope.everything:
            rows = self.all()
        else:
            condition = NO_ROWS
            if scope.blkk_ids is not None:
                condition |= self.reached_by_scope_blkks(scope)
            if scope.mentor_id is not None:
                condition |= self.reached_by_mentor(scope)
            rows = self.filter(condition)
        rows._narrowed_to = scope
        return rows

    def within_visible_to(self, user) -> bool:
        """Whether every row here is known to be among `visible_to(user)`: this
        queryset was narrowed by it, for the same scope, and never widened since."""
        narrowed_to = self._narrowed_to
        return narrowed_to is not None and narrowed_to is scope_of(user)

    def _clone(self):
        clone = super()._clone()  # type: ignore[misc]
        clone._narrowed_to = self._narrowed_to
        return clone

    def __getstate__(self):
        # A pickled queryset comes back for no scope in particular.
        state = super().__getstate__()
        state.pop("_narrowed_to", None)
        return state

    def __or__(self, other):
        return _widened(super().__or__(other), self, other)

    def __xor__(self, other):
        return _widened(super().__xor__(other), self, other)  # type: ignore[misc]

    def _combinator_query(self, *args, **kwargs):
        combined = super()._combinator_query(*args, **kwargs)  # type: ignore[misc]
        combined._narrowed_to = None
        return combined

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

    def reached_by_scope_blkks(self, scope: Scope) -> Q:
        """Rows reached through the scope's BLKKs (`scope.blkk_ids`): those BLKKs'
        rows. A model reached through the people those BLKKs reach says so with the
        scope's one subquery of them (`Reach.BLKK_TRAINEES`), built once per request."""
        return self.reached_by_blkks(scope.blkk_ids)

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


def _widened(combined, *parts):
    """`combined` (of `parts` by `|` or `^`) may hold rows that none of the parts'
    scopes narrowed; unless it is one of the parts itself (Django returns the other
    part when one is empty), it is narrowed to nothing known."""
    if all(combined is not part for part in parts):
        combined._narrowed_to = None
    return combined


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
