"""Throttles: searches per user, token requests per attempted username, and for
each a ceiling per client address.

A search answers whether a term matches, so unthrottled it is an oracle (8,184
guesses in 72 s recovered a NIK); a token request tries a password. Plain lists and
everything else are not throttled. The per-address ceilings are generous, because a
provincial office reaches the portal from one address.

Rates come from the environment (settings `API_SEARCH_RATE`, `API_TOKEN_RATE`,
`API_ADDRESS_RATE`) and are read when a request comes, so a test may change them.
Counts live in Django's cache (Redis in production, shared by every worker): one
counter per key and time window, incremented atomically, so parallel requests cannot
all read the same old count and slip through (DRF's own throttles read, then write).
The client address is REMOTE_ADDR; `X-Forwarded-For` is read only when settings
`NUM_PROXIES` says how many proxies in front of the portal append to it.

A refused request answers 429 with `Retry-After` (the seconds until the window ends)
and a message saying what was throttled.
"""

from __future__ import annotations

import hashlib
import math

from django.utils.translation import ngettext
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


def search_refused(seconds: int) -> str:
    return ngettext(
        "Too many searches in a short time: try again in %(seconds)d second.",
        "Too many searches in a short time: try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


def token_refused(seconds: int) -> str:
    return ngettext(
        "Too many sign-in attempts in a short time: try again in %(seconds)d second.",
        "Too many sign-in attempts in a short time: try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


class PortalThrottled(Throttled):
    """429 with `Retry-After` and the throttle's own message (DRF's appends an
    English sentence that its catalogue cannot translate)."""

    def __init__(self, *, wait: float, message) -> None:
        seconds = max(1, math.ceil(wait))
        super().__init__(detail=message(seconds))
        self.wait = seconds


class PortalRateThrottle(SimpleRateThrottle):
    """A fixed-window counter per key in the cache; subclasses say which requests
    count (`applies`), what identifies the caller (`ident`) and the `refusal`."""

    @staticmethod
    def refusal(seconds: int) -> str:
        raise NotImplementedError

    # Set by SimpleRateThrottle from the rate (its stubs leave them out).
    num_requests: int
    duration: int

    def get_rate(self) -> str | None:
        # DRF binds the rates when the module is imported; read them now instead.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(str(self.scope))
        return None if rate is None else str(rate)

    def applies(self, request, view) -> bool:
        raise NotImplementedError

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request, view) -> str | None:
        if not self.applies(request, view):
            return None
        ident = self.ident(request)
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        if self._count(f"{key}_{window}") <= self.num_requests:
            return True
        raise PortalThrottled(wait=self.wait(), message=self.refusal)

    def wait(self) -> float:
        return self.window_ends_at - self.now

    def _count(self, key: str) -> int:
        """This request's number in the window: atomic in Redis (INCR)."""
        self.cache.add(key, 0, self.duration)
        try:
            return self.cache.incr(key)
        except ValueError:
            # The entry expired between `add` and `incr`: a new window has begun.
            self.cache.set(key, 1, self.duration)
            return 1


def _searching(request, view) -> bool:
    """A read of a list that can search, with a non-empty search term."""
    term = request.query_params.get(api_settings.SEARCH_PARAM, "")
    return bool(term.strip()) and bool(getattr(view, "search_fields", None))


def _attempted_username(request) -> str | None:
    """The username a token request tries, as a short digest: whatever the client
    sends (4 KB, spaces, any case) makes a safe cache key, and one person's
    variants of the same name share one count."""
    data = request.data
    username = data.get("username") if hasattr(data, "get") else None
    if not isinstance(username, str) or not username.strip():
        return None
    normal = username.strip().casefold().encode("utf-8", "surrogatepass")
    return hashlib.sha256(normal).hexdigest()


class SearchRateThrottle(PortalRateThrottle):
    """Searches per signed-in user (`API_SEARCH_RATE`)."""

    scope = "search"
    refusal = staticmethod(search_refused)

    def applies(self, request, view) -> bool:
        return _searching(request, view)

    def ident(self, request) -> str | None:
        user = request.user
        return f"user{user.pk}" if user.is_authenticated else None


class SearchAddressRateThrottle(PortalRateThrottle):
    """Searches per client address, all users together (`API_ADDRESS_RATE`)."""

    scope = "search_address"
    refusal = staticmethod(search_refused)

    def applies(self, request, view) -> bool:
        return _searching(request, view)

    def ident(self, request) -> str | None:
        return self.get_ident(request)


class TokenRateThrottle(PortalRateThrottle):
    """Token requests per attempted username (`API_TOKEN_RATE`)."""

    scope = "token"
    refusal = staticmethod(token_refused)

    def applies(self, request, view) -> bool:
        return request.method == "POST"

    def ident(self, request) -> str | None:
        return _attempted_username(request)


class TokenAddressRateThrottle(PortalRateThrottle):
    """Token requests per client address, all usernames together
    (`API_ADDRESS_RATE`)."""

    scope = "token_address"
    refusal = staticmethod(token_refused)

    def applies(self, request, view) -> bool:
        return request.method == "POST"

    def ident(self, request) -> str | None:
        return self.get_ident(request)
