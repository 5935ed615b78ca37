"""Portal pages of intake: a BLKK's applications to its cohorts, a cohort's
applications ranked by score, an application with its reviews, and the forms to
record one, review it and decide it (DESIGN.md, "Programme records the seeds name").

Pages of one BLKK (`training.views.blkk_page`): its managers record, change and
decide applications; ministry and province staff read them (a write answers 403),
ministry staff and managers review them. Another BLKK's application is 404. The
forms carry the API's field names and call the same services, so a page refuses
what the API refuses, in the same words. A mentor reviews on their own pages
(`mentoring.review_pages`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from blkk_portal.api.filters import MAX_SEARCH_LENGTH
from blkk_portal.numbers import is_ascii_digits
from blkk_portal.pages import (
    form_data,
    paginate,
    query_without_page,
    save_through_service,
    see_other,
)
from training.models import Trainee
from training.views import BlkkHere, audit_whole_niks, blkk_page

from . import services
from .applications import ranked
from .forms import ApplicationForm, DecisionForm, ReviewForm
from .models import ApplicationReview, Cohort, CohortApplication, CohortStatus

if TYPE_CHECKING:
    from blkk_portal.accounts.models import User

    from .managers import CohortApplicationQuerySet

GET_OR_POST = ["GET", "POST"]
Status = CohortApplication.Status
REVIEWS_ARE_FOR = gettext_lazy(
    "Applications are reviewed by BLKK managers, mentors and ministry staff."
)


def _applications(request: HttpRequest, here: BlkkHere) -> QuerySet:
    """This BLKK's applications with their score (the staff of a BLKK read every
    review of it), their number of reviews, and whether the user reviewed each."""
    mine = ApplicationReview.objects.filter(
        application=OuterRef("pk"), reviewer_id=request.user.pk
    )
    rows = cast("CohortApplicationQuerySet", here.rows(CohortApplication))
    return (
        rows.with_score()
        .annotate(review_count=Count("reviews"), reviewed_by_me=Exists(mine))
        .select_related("cohort", "applicant", "venture")
    )


def _choice(request: HttpRequest, name: str, choices) -> str:
    raw = request.GET.get(name, "")
    return raw if raw in choices.values else ""


def _id(request: HttpRequest, name: str) -> str:
    raw = request.GET.get(name, "")
    return raw if is_ascii_digits(raw) and len(raw) < 12 else ""


def _search(request: HttpRequest) -> str:
    return request.GET.get("q", "").replace("\x00", "").strip()[:MAX_SEARCH_LENGTH]


@require_GET
@blkk_page
def application_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Every application to this BLKK's cohorts, newest first: by cohort, by status,
    by business or applicant name (never by NIK)."""
    rows = _applications(request, here)
    cohort, status, search = (
        _id(request, "cohort"),
        _choice(request, "status", Status),
        _search(request),
    )
    if cohort:
        rows = rows.filter(cohort_id=int(cohort))
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(
            Q(business_name__icontains=search)
            | Q(applicant__full_name__icontains=search)
        )
    context = {
        "here": here,
        "page": paginate(request, rows.order_by("-received_on", "-pk")),
        "query": query_without_page(request),
        "cohorts": here.rows(Cohort).order_by("-year", "name", "pk"),
        "cohort": cohort,
        "statuses": Status.choices,
        "status": status,
        "search": search,
    }
    return render(request, "incubator/application_list.html", context)


@require_GET
@blkk_page
def cohort_applications(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """A cohort's applications ranked by score: the highest first, those without a
    review last."""
    cohort = get_object_or_404(here.rows(Cohort), pk=pk)
    rows = _applications(request, here).filter(cohort=cohort)
    status = _choice(request, "status", Status)
    if status:
        rows = rows.filter(status=status)
    page = paginate(request, ranked(rows))
    context = {
        "here": here,
        "cohort": cohort,
        "page": page,
        "query": query_without_page(request),
        "statuses": Status.choices,
        "status": status,
    }
    return render(request, "incubator/cohort_applications.html", context)


def _decisions(application: CohortApplication) -> list[dict]:
    """The application's moves from its history: each status it took, when, by
    whom, with the note given."""
    moves, previous = [], None
    for record in application.history.select_related("history_user").order_by(
        "history_date", "history_id"
    ):
        if record.status != previous:
            moves.append(
                {
                    "status": record.get_status_display(),
                    "at": record.history_date,
                    "by": record.history_user,
                    "note": record.history_change_reason or "",
                }
            )
        previous = record.status
    return moves


@require_GET
@blkk_page
def application_detail(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """An application: its people, idea, score and reviews, its decisions, and the
    decision form for the BLKK's managers."""
    application = get_object_or_404(_applications(request, here), pk=pk)
    user = request.user
    people = list(
        Trainee.objects.with_full_nik_flag(user)
        .filter(pk__in=Trainee.objects.visible_to(user).values("pk"))
        .filter(pk__in=application.people_ids)
        .order_by("full_name", "pk")
    )
    audit_whole_niks(request, people)
    reviews = (
        here.rows(ApplicationReview)
        .filter(application=application)
        .select_related("reviewer")
        .order_by("created_at", "pk")
    )
    is_open = application.status in services.OPEN_APPLICATION_STATUSES
    context = {
        "here": here,
        "application": application,
        "applicant": next(
            (p for p in people if p.pk == application.applicant_id), None
        ),
        "co_applicants": [p for p in people if p.pk != application.applicant_id],
        "reviews": reviews,
        "may_review": is_open and _may_review(user, application),
        "decision_form": DecisionForm(application=application)
        if here.writable and is_open
        else None,
        "decisions": _decisions(application),
    }
    return render(request, "incubator/application_detail.html", context)


def _may_review(user, application: CohortApplication) -> bool:
    return user.has_perm("incubator.add_applicationreview") and (
        CohortApplication.objects.reviewable_by(user).filter(pk=application.pk).exists()
    )


def _offered_people(request: HttpRequest, here: BlkkHere) -> tuple[QuerySet, str]:
    """The people this BLKK reaches offered in the pickers (`?q=` narrows them by
    name), and the search."""
    search = _search(request)
    offered = here.writable_rows(Trainee)
    if search:
        offered = offered.filter(full_name__icontains=search)
    return offered.order_by("full_name", "pk"), search


def _open_cohorts(here: BlkkHere) -> QuerySet:
    """The cohorts offered: this BLKK's that take applications at some time."""
    return (
        here.writable_rows(Cohort)
        .exclude(status=CohortStatus.CLOSED)
        .filter(applications_open_on__isnull=False)
        .order_by("-year", "name", "pk")
    )


def _application_form(
    request: HttpRequest, here: BlkkHere, *, application=None, initial=None
):
    offered, search = _offered_people(request, here)
    cohorts = _open_cohorts(here)
    if application is not None:
        cohorts = cohorts | here.writable_rows(Cohort).filter(pk=application.cohort_id)
    form = ApplicationForm(
        form_data(request),
        instance=application,
        initial=initial,
        cohorts=cohorts,
        people=Trainee.objects.writable_by(request.user),
        offered=offered,
        user=request.user,
    )
    return form, search


@require_http_methods(GET_OR_POST)
@blkk_page
def application_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Record an application (`?cohort=ID` chooses the cohort, `?q=` narrows the
    people offered by name)."""
    here.ensure_may("incubator.add_cohortapplication")
    cohort = _id(request, "cohort")
    form, search = _application_form(
        request, here, initial={"cohort": cohort} if cohort else None
    )
    if request.method == "POST" and form.is_valid():
        application = save_through_service(
            form,
            lambda: services.application_create(
                **form.service_fields(), by=_user(request)
            ),
        )
        if application is not None:
            messages.success(
                request,
                _("Application %(name)s saved.") % {"name": application.business_name},
            )
            return see_other(_detail_url(here, application))
    audit_whole_niks(request, form.offered)
    context = {"here": here, "form": form, "application": None, "search": search}
    return render(request, "incubator/application_form.html", context)


@require_http_methods(GET_OR_POST)
@blkk_page
def application_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    here.ensure_may("incubator.change_cohortapplication")
    application = get_object_or_404(
        here.writable_rows(CohortApplication).select_related("cohort"), pk=pk
    )
    form, search = _application_form(request, here, application=application)
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(
            form,
            lambda: services.application_update(
                application=application, **form.service_fields(), by=_user(request)
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("Application %(name)s saved.") % {"name": saved.business_name},
            )
            return see_other(_detail_url(here, saved))
        application.refresh_from_db()
    audit_whole_niks(request, form.offered)
    context = {"here": here, "form": form, "application": application, "search": search}
    return render(request, "incubator/application_form.html", context)


@require_http_methods(GET_OR_POST)
@blkk_page
def application_review(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """The user's own review of an application (managers and ministry staff; a
    mentor reviews on their own pages): a new one, or theirs to change."""
    application = get_object_or_404(
        here.rows(CohortApplication).select_related("cohort"), pk=pk
    )
    user = request.user
    if not user.has_perm("incubator.add_applicationreview"):
        raise PermissionDenied(REVIEWS_ARE_FOR)
    return review_page(
        request,
        application=application,
        template="incubator/application_review.html",
        done_url=_detail_url(here, application),
        context={"here": here},
    )


def review_page(
    request: HttpRequest,
    *,
    application: CohortApplication,
    template: str,
    done_url: str,
    context: dict,
) -> HttpResponse:
    """The review form of `request.user` for `application`, for the BLKK's pages
    and a mentor's alike: the service decides who may review and until when."""
    user = _user(request)
    review = ApplicationReview.objects.filter(
        application=application, reviewer_id=user.pk
    ).first()
    form = ReviewForm(form_data(request), instance=review)
    if request.method == "POST" and form.is_valid():
        if review is None:
            saved = save_through_service(
                form,
                lambda: services.review_create(
                    application=application, reviewer=user, by=user, **form.cleaned_data
                ),
            )
        else:
            saved = save_through_service(
                form,
                lambda: services.review_update(
                    review=review, by=user, **form.cleaned_data
                ),
            )
        if saved is not None:
            messages.success(
                request,
                _("Your review of %(name)s is saved.")
                % {"name": application.business_name},
            )
            return see_other(done_url)
    is_open = application.status in services.OPEN_APPLICATION_STATUSES
    return render(
        request,
        template,
        {
            **context,
            "application": application,
            "form": form,
            "review": review,
            "is_open": is_open,
        },
    )


@require_http_methods(GET_OR_POST)
@blkk_page
def application_decide(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Shortlist, accept, reject or withdraw an application: only the moves the
    rules allow from its status are offered; accepting creates its venture."""
    here.ensure_may("incubator.change_cohortapplication")
    application = get_object_or_404(
        here.writable_rows(CohortApplication).select_related("cohort"), pk=pk
    )
    form = DecisionForm(form_data(request), application=application)
    if request.method == "POST" and form.is_valid():
        decided = save_through_service(
            form,
            lambda: services.application_decide(
                application=application, **form.cleaned_data, by=_user(request)
            ),
        )
        if decided is not None:
            if decided.venture is not None:
                message = _(
                    "%(name)s is accepted: its venture is in pre-incubation."
                ) % {"name": decided.business_name}
            else:
                message = _("%(name)s is now %(status)s.") % {
                    "name": decided.business_name,
                    "status": decided.get_status_display(),
                }
            messages.success(request, message)
            return see_other(_detail_url(here, decided))
        application.refresh_from_db()
    context = {"here": here, "form": form, "application": application}
    return render(request, "incubator/application_decide.html", context)


def _user(request: HttpRequest) -> User:
    """The signed-in user (every page here is behind a sign-in)."""
    return cast("User", request.user)


def _detail_url(here: BlkkHere, application: CohortApplication) -> str:
    return reverse("application-detail", args=[here.blkk.code, application.pk])
