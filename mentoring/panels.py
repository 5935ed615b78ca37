"""What the mentoring app adds to a venture's portal page (`incubator.panels`): the
mentors assigned to the venture, and those assigned to its whole BLKK."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from incubator.panels import venture_panel

from .models import MentorAssignment


def venture_mentors(request, venture) -> dict:
    """The assignments `request.user` sees of `venture` or of its BLKK, newest
    first, with whether each is active today."""
    today = timezone.localdate()
    rows = (
        MentorAssignment.objects.visible_to(request.user)
        .filter(Q(venture_id=venture.pk) | Q(blkk_id=venture.cohort.blkk_id))
        .select_related("mentor")
        .order_by("-start_date", "-pk")
    )
    active = set(rows.active_on(today).values_list("pk", flat=True))
    assignments = list(rows)
    for assignment in assignments:
        assignment.is_active_today = assignment.pk in active
    return {"assignments": assignments}


venture_panel("mentoring/venture_mentors.html", venture_mentors, order=10)
