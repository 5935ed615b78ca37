"""How long a signed-in session lasts: SESSION_IDLE_MINUTES without a request, and
SESSION_MAX_HOURS after signing in however busy the user is.

The session's own expiry date does the work: it is set to the earlier of "idle
minutes from now" and "the maximum after signing in", so a session left alone
expires in the session store itself and the next request is anonymous. Moving the
date forward writes the session row, so it is moved at most once a minute
(`REFRESH_EVERY`): a busy user costs one write a minute, not one per request, and
the idle limit is kept to within that minute.

No library does both limits without writing the session on every request (the
maintained ones offer one of the two), hence this small module.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SIGNED_IN_AT = "_portal_signed_in_at"
REFRESHED_AT = "_portal_refreshed_at"
REFRESH_EVERY = datetime.timedelta(minutes=1)


def _idle_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES)


def _max_length() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.SESSION_MAX_HOURS)


def _timestamp(session: SessionBase, key: str) -> datetime.datetime | None:
    value = session.get(key)
    return datetime.datetime.fromisoformat(value) if value else None


def _extend(session: SessionBase, now: datetime.datetime) -> None:
    signed_in_at = _timestamp(session, SIGNED_IN_AT) or now
    session.set_expiry(min(now + _idle_limit(), signed_in_at + _max_length()))
    session[REFRESHED_AT] = now.isoformat()


def start_session_clock(sender, request: HttpRequest, user, **kwargs) -> None:
    """On signing in (`user_logged_in`): the maximum length counts from now.

    Token sign-ins of the API send the same signal without a session login; their
    requests carry no session, so nothing is stored for them.
    """
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return
    now = timezone.now()
    session[SIGNED_IN_AT] = now.isoformat()
    _extend(session, now)


class SessionLifetimeMiddleware:
    """Ends a signed-in session past its maximum and slides its idle expiry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self._enforce(request)
        return self.get_response(request)

    def _enforce(self, request: HttpRequest) -> None:
        session = request.session
        if SESSION_KEY not in session:
            return
        now = timezone.now()
        signed_in_at = _timestamp(session, SIGNED_IN_AT)
        if signed_in_at is None:
            # Signed in before this rule existed: its clock starts now.
            session[SIGNED_IN_AT] = now.isoformat()
            _extend(session, now)
        elif now >= signed_in_at + _max_length():
            # The store's expiry already ends such a session; this covers the
            # last minute between two refreshes.
            logout(request)
        elif now >= (_timestamp(session, REFRESHED_AT) or now) + REFRESH_EVERY:
            _extend(session, now)
