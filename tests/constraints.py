"""Helpers for tests that write past validation straight into the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction


@contextmanager
def violates(constraint: str) -> Iterator[None]:
    """Expect the database to refuse the write with the named constraint.

    PostgreSQL names the constraint in its message; the savepoint keeps the test's
    transaction usable afterwards.
    """
    with pytest.raises(IntegrityError, match=f'"{constraint}"'), transaction.atomic():
        yield
