"""Reads of the applications to a cohort (intake): the score each user may see,
and a cohort's ranking.

DESIGN.md: an application's score is the mean of its reviews' totals (4..20) to 2
decimals, null with none (`CohortApplicationQuerySet.with_score`). Reviewers score
independently: a mentor reads only their own reviews, so the mean of everyone's is
shown only to those who read every review of the application (ministry staff, and
the staff of its BLKK).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, F, QuerySet, Value, When

from blkk_portal.accounts.scope import scope_of

from .managers import SCORE_FIELD

if TYPE_CHECKING:
    from .managers import CohortApplicationQuerySet


def with_score_for(rows: CohortApplicationQuerySet, user) -> QuerySet:
    """`rows` (applications) annotated with `score` and `score_shown`: the score
    where `user` reads every review of the application, None elsewhere."""
    scored = rows.with_score()
    scope = scope_of(user)
    if scope.everything:
        return scored.annotate(score_shown=F("score"))
    if scope.blkk_ids is None:
        return scored.annotate(score_shown=Value(None, output_field=SCORE_FIELD))
    return scored.annotate(
        score_shown=Case(
            When(cohort__blkk_id__in=scope.blkk_ids, then=F("score")),
            default=Value(None),
            output_field=SCORE_FIELD,
        )
    )


def ranked(rows: QuerySet) -> QuerySet:
    """Applications annotated `with_score`, best first: the highest score, those
    without a review last, then the earliest received."""
    return rows.order_by(F("score").desc(nulls_last=True), "received_on", "pk")
