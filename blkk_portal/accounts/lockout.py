"""What a locked sign-in looks like: a warning in the log, and the 429 answer.

Each time django-axes refuses a sign-in because the account is locked (after
`AXES_FAILURE_LIMIT` failures, and on every try while it stays locked), a warning
says who (the username tried, an email already turned into the account's username
by `signin.axes_username`) and from where (the address axes saw), never the
password. The lockout itself is axes' (settings `AXES_*`); `lockout_response` is
the answer it gives (`AXES_LOCKOUT_CALLABLE`).
"""

from __future__ import annotations

import datetime
import logging
import math

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

API_PREFIX = "/api/"

logger = logging.getLogger("blkk_portal.security")


def log_lockout(sender, *, request=None, username=None, ip_address=None, **kwargs):
    # %r: the username is whatever the client sent; repr keeps a newline in it
    # from forging a second log line.
    logger.warning(
        "Sign-in refused, account locked after repeated failures: "
        "username=%r address=%s",
        username,
        ip_address,
        extra={
            "event": "signin_locked_out",
            "username": username,
            "address": ip_address,
        },
    )


def lockout_ends_at(username: str | None) -> datetime.datetime | None:
    """When the account `username` can sign in again: the moment its failures
    still counted (those less than the cool-off old) drop below the limit. Each
    failure moves it on, including one while locked (axes' default). None when
    it is not locked or axes keeps no time (no cool-off: locked until unlocked)."""
    cool_off = get_cool_off()
    if not username or cool_off is None:
        return None
    now = timezone.now()
    attempts = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=now - cool_off
    ).order_by("attempt_time")
    counted = [
        (attempt.attempt_time, attempt.failures_since_start) for attempt in attempts
    ]
    remaining = sum(failures for _, failures in counted)
    for attempt_time, failures in counted:
        remaining -= failures
        if remaining < settings.AXES_FAILURE_LIMIT:
            return attempt_time + cool_off
    return None


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: what a locked account's sign-in answers.

    429 either way, with `Retry-After` when the end is known. The API answers its
    JSON `{"detail": ...}`; a page answers the portal's 429 page, which says when
    to try again (Asia/Jakarta time) and offers the password reset (which lifts
    the lock) and the way home.
    """
    from blkk_portal.api.auth import LOCKED_OUT

    ends_at = lockout_ends_at(get_client_username(request, credentials))
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": str(LOCKED_OUT)}, status=429)
    else:
        local_end = timezone.localtime(ends_at) if ends_at else None
        response = render(
            request,
            "429.html",
            {
                "ends_at": local_end,
                "ends_today": local_end is not None
                and local_end.date() == timezone.localdate(),
            },
            status=429,
        )
    if ends_at is not None:
        seconds = math.ceil((ends_at - timezone.now()).total_seconds())
        response["Retry-After"] = str(max(seconds, 1))
    return response
