"""A warning in the log each time django-axes refuses a sign-in because the account
is locked (after `AXES_FAILURE_LIMIT` failures, and on every try while it stays
locked): who (the username tried) and from where (the address axes saw), never the
password. The lockout itself is axes' (settings `AXES_*`); this only makes it seen."""

from __future__ import annotations

import logging

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
