"""Writing the audit trail (`blkk_portal.audit.models`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .models import AuditAction, PersonalDataEvent

if TYPE_CHECKING:
    from blkk_portal.accounts.models import User

# A NIK (or part of one) in a filter is personal data too: runs of digits long
# enough to single someone out are stored as asterisks.
_LONG_DIGIT_RUN = re.compile(r"\d{5,}")
MAX_QUERY_LENGTH = 500


def masked_query(text: str) -> str:
    """`text` with every run of five or more digits hidden, bounded in length."""
    hidden = _LONG_DIGIT_RUN.sub(lambda match: "*" * len(match[0]), text)
    return hidden[:MAX_QUERY_LENGTH]


def audit_record(
    *,
    user: User | None,
    action: AuditAction,
    subject: str,
    rows: int,
    record_id: int | None = None,
    query: str = "",
) -> PersonalDataEvent:
    """Record that `user` (None: a command) saw, took or erased `rows` rows of
    personal data of the kind `subject` (a model label, "training.trainee")."""
    return PersonalDataEvent.objects.create(
        user=user if user is not None and user.pk else None,
        username=getattr(user, "username", "") or "",
        action=action,
        subject=subject,
        record_id=record_id,
        query=masked_query(query),
        rows=rows,
    )
