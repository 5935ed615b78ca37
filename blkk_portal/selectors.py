"""Reads that span the apps (the dashboard's counts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from incubator.models import Venture
from mentoring.models import MentoringSession
from training.models import Blkk, Enrollment, Trainee


def scope_counts(*, user) -> list[tuple[str, int]]:
    """How many of each main record the user can see, labelled for display."""
    return [
        (_("BLKKs"), Blkk.objects.visible_to(user).count()),
        (_("Trainees"), Trainee.objects.visible_to(user).count()),
        (_("Enrollments"), Enrollment.objects.visible_to(user).count()),
        (_("Ventures"), Venture.objects.visible_to(user).count()),
        (_("Mentoring sessions"), MentoringSession.objects.visible_to(user).count()),
    ]
