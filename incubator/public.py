"""The rows of the public page of cohorts taking applications (`/programmes/cohorts/`,
DESIGN.md "Portal pages"), kept in the cache.

Anyone reaches the page without signing in, so it must cost next to nothing and
reveal nothing: the rows are `selectors.cohorts_open_for_applications` (the cohort
and its BLKK's institutional contact details, field by field), computed once for
the day and kept for `PUBLIC_COHORTS_SECONDS` (5 minutes) under a key that names
that day (Asia/Jakarta), so a cohort whose window opens or closes at midnight
changes pages at midnight, not up to 5 minutes later. The cache holds data, never
a rendered page: a page carries its reader's CSRF token, language and, when signed
in, their name, none of which may be served to the next reader.

When a page changes:
- a cohort created, changed or deleted (its window, its status, its name) clears
  the day's rows once the change is committed (`incubator.services`), so a manager
  who opens a cohort sees it on the public page at once;
- a BLKK's change (its contact details, its deactivation: training's services,
  which cannot call into the incubator) shows within `PUBLIC_COHORTS_SECONDS`.
A cache that does not answer leaves the rows computed on every view (one query).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from .selectors import cohorts_open_for_applications

logger = logging.getLogger(__name__)

_CACHE_VERSION = 1


def _cache_key(day: datetime.date) -> str:
    return f"public-cohorts:{_CACHE_VERSION}:{day.isoformat()}"


def public_cohorts(today: datetime.date) -> list[dict]:
    """`cohorts_open_for_applications(today)`, from the cache when it is there."""
    key = _cache_key(today)
    try:
        rows = cache.get(key)
    except RedisError:
        logger.warning("public cohorts cache unreachable: computing them")
        return cohorts_open_for_applications(today)
    if rows is None:
        rows = cohorts_open_for_applications(today)
        try:
            cache.set(key, rows, settings.PUBLIC_COHORTS_SECONDS)
        except RedisError:
            logger.warning("public cohorts cache unreachable: rows not kept")
    return rows


def public_cohorts_forget(today: datetime.date | None = None) -> None:
    """Drop the day's kept rows (today's by default), so the next page computes
    them again."""
    try:
        cache.delete(_cache_key(today or timezone.localdate()))
    except RedisError:
        logger.warning("public cohorts cache unreachable: rows not cleared")
