"""Reads of the reports and dashboards on a read replica (issue #14), when one is set.

With `REPLICA_DATABASE_URL` set, the settings add a `replica` database (a streaming
standby of the primary: docs/performance-replica.md) and this router. It sends a
read to the replica ONLY inside `with replica_reads():`, which the reporting code
enters around what it computes and never writes (the ministry's and provinces'
dashboards, the beat task that keeps their live figures warm). Everything else reads
the primary: sessions, sign-in, tokens and every permission check, every write, and
every page that must show what was just saved (a BLKK's own page, its forms, the
monthly report run, which reads what it writes).

A replica lags its primary (usually by milliseconds, by whatever a long query on it
holds back replay): a figure read on it is the primary's of a moment ago, which is
what the dashboards' cached live figures already are. The models of accounts,
sessions, tokens and sign-in lockouts are read on the primary even inside the
context, so a role taken away is refused at once whichever path reads it.

Without a replica `replica_reads()` changes nothing, so callers enter it
unconditionally; with one that does not answer, it logs a warning and reads the
primary rather than failing the page.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.utils import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

REPLICA = "replica"
ROUTER = "blkk_portal.db_router.ReplicaRouter"
# Read on the primary even inside `replica_reads()`: who is signed in, with which
# roles, sessions, tokens and lockouts. A read of these is a permission check, and
# it must see a change (a role removed, a token revoked) at once.
PRIMARY_ONLY_APPS = frozenset({"accounts", "auth", "sessions", "knox", "axes"})

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "replica_reads", default=False
)


def replica_database(
    replica: dict[str, Any], primary: dict[str, Any]
) -> dict[str, Any]:
    """The settings of the `replica` alias: the connection of `replica` (a parsed
    REPLICA_DATABASE_URL) with the primary's options (connection lifetime and health
    checks, JIT off, connect timeout); never a transaction per request, and in tests
    a mirror of the primary's test database."""
    options = {**primary.get("OPTIONS", {}), **replica.get("OPTIONS", {})}
    return {
        **replica,
        "OPTIONS": options,
        # A read-only standby: a transaction around every request would open a
        # connection to it on every request, dashboards or not, and buy nothing.
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": primary.get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": primary.get("CONN_HEALTH_CHECKS", False),
        "TEST": {"MIRROR": DEFAULT_DB_ALIAS},
    }


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads() -> Iterator[bool]:
    """Inside, reads go to the replica (writes stay on the primary); nested entries
    restore what was before on leaving. Yields whether reads go to the replica: not
    when none is configured, nor when it does not answer (then the primary serves
    them, and a warning is logged). Also a decorator: `@replica_reads()`."""
    on = reading_replica() or (replica_configured() and _replica_answers())
    token = _replica_reads.set(on)
    try:
        yield on
    finally:
        _replica_reads.reset(token)


def reading_replica() -> bool:
    """Whether reads go to the replica here."""
    return _replica_reads.get()


def _replica_answers() -> bool:
    connection = connections[REPLICA]
    try:
        # A kept connection that died since (the standby restarted) is closed and
        # opened again, as Django does before a request's first query.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except (OperationalError, InterfaceError) as error:
        logger.warning("read replica unreachable, reading the primary: %s", error)
        return False
    return True


class ReplicaRouter:
    """`replica` for reads inside `replica_reads()`, except the models of
    `PRIMARY_ONLY_APPS`; the primary for everything else, every write and every
    migration."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if _replica_reads.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        # Named, not left to Django's default: an object read on the replica would
        # otherwise send its related reads there outside the context.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # Never the object's own database: one read on the replica is saved to the
        # primary (the standby refuses writes anyway).
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The same rows on both: an object read on one may point at one of the other.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The standby replays the primary's schema; it cannot be migrated itself.
        return db == DEFAULT_DB_ALIAS
