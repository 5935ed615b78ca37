"""Portal pages of the mentoring app: a mentor's mentees and sessions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from blkk_portal.accounts.scope import scope_of

from .models import MentorAssignment

NOT_A_MENTOR = _("These pages are for mentors.")


def mentor_id_of(request: HttpRequest) -> int:
    """The signed-in user's Mentor profile id; 403 for a user without one."""
    mentor_id = scope_of(request.user).mentor_id
    if mentor_id is None:
        raise PermissionDenied(NOT_A_MENTOR)
    return mentor_id


@require_GET
@login_required
def mentor_home(request: HttpRequest) -> HttpResponse:
    """My mentees: each assignment with its venture or BLKK."""
    mentor_id = mentor_id_of(request)
    assignments = (
        MentorAssignment.objects.visible_to(request.user)
        .filter(mentor_id=mentor_id)
        .select_related("venture", "blkk")
        .order_by("status", "-start_date", "-pk")
    )
    return render(request, "mentoring/home.html", {"assignments": assignments})
