"""A mail backend for tests whose senders must overlap."""

from __future__ import annotations

from django.core.mail.backends.locmem import EmailBackend

from tests.threads import pause

SEND_SECONDS = 0.3


class SlowLocmemBackend(EmailBackend):
    """Django's locmem backend (`mail.outbox`), each send taking SEND_SECONDS."""

    def send_messages(self, messages):
        pause(SEND_SECONDS)
        return super().send_messages(messages)
