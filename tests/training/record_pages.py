"""What the record pages' tests share (certifications, outcomes, follow-ups and
placements): paths, a signed-in client, a page's text; the people of BLKKs A and B
are fixtures in `tests/training/conftest.py`."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation


def url(name: str, blkk, *args) -> str:
    return reverse(name, args=[blkk.code, *args])


def signed_in(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def in_indonesian(message) -> str:
    with translation.override("id"):
        return str(message)
