"""A mentor's pages for reviewing applications to the cohorts of the BLKKs they
mentor now (DESIGN.md: a mentor assigned to a BLKK or one of its ventures may review
that BLKK's cohort applications, with an assignment active today).

What a mentor sees of an application is what a review needs: the business, its idea
and sector, the cohort and BLKK, and the names of the people on it; never a NIK, a
birth date or a phone number, nor anyone else's scores (reviews are independent).
An application they may not review now, named in the path, is 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from blkk_portal.api.filters import MAX_SEARCH_LENGTH
from blkk_portal.pages import paginate, query_without_page
from incubator.application_views import review_page
from incubator.models import ApplicationReview, CohortApplication
from incubator.services import OPEN_APPLICATION_STATUSES
from training.models import Trainee

from .views import mentor_page

STATES = ("todo", "done")


def _reviewable(request: HttpRequest) -> QuerySet:
    """The applications the user may review now, with whether they did, and the
    names (only) of the people on each."""
    mine = ApplicationReview.objects.filter(
        application=OuterRef("pk"), reviewer_id=request.user.pk
    )
    names = Trainee.objects.only("full_name").order_by("full_name", "pk")
    return (
        CohortApplication.objects.reviewable_by(request.user)
        .annotate(reviewed_by_me=Exists(mine))
        .select_related("cohort__blkk")
        .prefetch_related(
            Prefetch("applicant", queryset=names),
            Prefetch("co_applicants", queryset=names),
        )
    )


@require_GET
@mentor_page
def mentor_applications(request: HttpRequest, mentor_id: int) -> HttpResponse:
    """Applications still open that the mentor may review, those they have not
    reviewed first; `?state=todo|done`, `?q=` by business name."""
    rows = _reviewable(request).filter(status__in=sorted(OPEN_APPLICATION_STATUSES))
    state = request.GET.get("state", "")
    if state == "todo":
        rows = rows.filter(reviewed_by_me=False)
    elif state == "done":
        rows = rows.filter(reviewed_by_me=True)
    else:
        state = ""
    search = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_SEARCH_LENGTH]
    if search:
        rows = rows.filter(business_name__icontains=search)
    page = paginate(request, rows.order_by("reviewed_by_me", "received_on", "pk"))
    context = {
        "page": page,
        "query": query_without_page(request),
        "state": state,
        "search": search,
    }
    return render(request, "mentoring/applications.html", context)


@require_http_methods(["GET", "POST"])
@mentor_page
def mentor_application_review(
    request: HttpRequest, mentor_id: int, pk: int
) -> HttpResponse:
    """The mentor's review of one application: one short form, made for a phone."""
    application = get_object_or_404(_reviewable(request), pk=pk)
    return review_page(
        request,
        application=application,
        template="mentoring/application_review.html",
        done_url=reverse("mentor-applications"),
        context={"is_open": application.status in OPEN_APPLICATION_STATUSES},
    )
