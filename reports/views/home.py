"""Portal pages of the reports app: each role's home and a BLKK's page."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import scope_of
from blkk_portal.months import Month
from incubator.models import Assistance, AssistanceStatus, Venture
from incubator.selectors import assistance_with_check_due, ventures_not_reported
from training.models import GradeAssessment, Instructor, Partnership, Trainee
from training.selectors import (
    blkk_grade_assessments,
    grade_of_today,
    graduates_due_for_follow_up,
    missing_criteria,
    partnerships_expiring,
    trades_without_certified_instructor,
)
from training.views import BlkkHere, blkk_page, blkks_opened_by

from .. import selectors
from ..dashboards import blkk_place
from .dashboards import chosen_chart_key, dashboard_of, figures_context, short_grade

# How many of a to-do list a BLKK's page shows; the list's own page has the rest.
SHORT_LIST = 5


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home of the user's role (DESIGN.md, "Portal pages"): a manager's BLKK (or
    the list of their BLKKs), a mentor's mentees, the dashboard of ministry staff
    (the country) and of province staff (their province). Anyone else gets what
    their account can see."""
    user = request.user
    if user.role == Role.BLKK_MANAGER:
        managed = list(blkks_opened_by(user).values_list("code", flat=True)[:2])
        if len(managed) == 1:
            return redirect("blkk-home", managed[0])
        return redirect("blkk-list")
    if user.role == Role.MENTOR or (
        not user.role and scope_of(user).mentor_id is not None
    ):
        return redirect("mentor-home")
    if user.sees_everything:
        return redirect("dashboard")
    if user.role == Role.PROVINCE:
        return redirect("dashboard-province", user.province_id)
    context = {"counts": selectors.scope_counts(user=user)}
    return render(request, "reports/home.html", context)


@require_GET
@blkk_page
def blkk_home(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """A BLKK's page: the month's KPIs (this month so far, or `?month=`) with their
    change, the last twelve stored months, what needs doing, and the way to each
    of its records. The figures are the dashboards' own pieces."""
    today = timezone.localdate()
    board = dashboard_of(request, blkk_place(here.blkk))
    reporting_month = Month.of(today).shifted(-1)
    not_reported = ventures_not_reported(here.blkk, reporting_month, here.rows(Venture))
    people = here.rows(Trainee).with_full_nik_flag(request.user)
    follow_ups = graduates_due_for_follow_up(here.blkk, today, people=people)
    context = {
        **figures_context(request, board, chosen_chart_key(request)),
        "here": here,
        "trend": board.trend,
        "reporting_month": reporting_month,
        "not_reported": list(not_reported[:SHORT_LIST]),
        "not_reported_count": not_reported.count(),
        "follow_ups": follow_ups[:SHORT_LIST],
        "follow_ups_count": follow_ups.count(),
        **programme_context(here, today),
        **assistance_context(here, today),
    }
    return render(request, "reports/blkk_home.html", context)


def assistance_context(here: BlkkHere, today: datetime.date) -> dict:
    """The assistance the BLKK counts (its own and its ventures'), cancelled ones
    aside: those not checked for more than six months first, then the latest; how
    many in all and how many are due a check. Three queries however many rows:
    the shown rows' ventures are read by their ids (a join made PostgreSQL hash
    every venture in the country, 19 -> 2 ms at national scale)."""
    rows = assistance_with_check_due(
        here.rows(Assistance).exclude(status=AssistanceStatus.CANCELLED), today
    )
    shown = rows.prefetch_related("venture").order_by(
        "-check_overdue", "-year", "-proposed_on", "-pk"
    )
    counts = rows.aggregate(
        total=Count("pk"), due=Count("pk", filter=Q(check_overdue=True))
    )
    return {
        "assistance": list(shown[:SHORT_LIST]),
        "assistance_count": counts["total"],
        "assistance_due_count": counts["due"],
    }


def programme_context(here: BlkkHere, today: datetime.date) -> dict:
    """The BLKK's programme records on its page, as of today: its grade and grade
    assessments over time, the roadmap criteria its latest assessment still misses,
    its trades with no certified instructor, and its own agreements ending within
    60 days. A fixed number of queries however many rows."""
    assessments = list(blkk_grade_assessments(here.rows(GradeAssessment)))
    expiring = list(
        partnerships_expiring(here.rows(Partnership).filter(blkk=here.blkk), today)
    )
    latest = assessments[0] if assessments else None
    grade = grade_of_today(here.blkk, latest)
    return {
        "grade": grade,
        "grade_name": short_grade(grade),
        "assessments": assessments,
        "latest_assessment": latest,
        "missing_criteria": missing_criteria(latest) if latest else [],
        "trades_uncertified": list(
            trades_without_certified_instructor(
                here.blkk, today, instructors=here.rows(Instructor)
            )
        ),
        "expiring": expiring,
        "expiring_count": len(expiring),
        "today": today,
    }
