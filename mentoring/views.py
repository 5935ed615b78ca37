"""Portal pages of the mentoring app: a mentor's mentees, sessions and monthly figures.

Every page is for a user with a Mentor profile (a mentor, or a manager who also
mentors; anyone else: 403) and is about that mentor's own assignments. Another
mentor's assignment, session or venture, named in the path, the query string or a
posted form, answers 404 as a missing one does. Writes go through the services the
API calls, so a page refuses what the API refuses, with the same message. One choice
of this page: the mentor's own assignment that is not active is offered nowhere, but
posted it is a form error with the service's message (as the API answers 400), not
a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from blkk_portal.accounts.scope import scope_of
from blkk_portal.months import Month
from blkk_portal.pages import (
    form_data,
    paginate,
    query_without_page,
    row_named,
    save_through_service,
    see_other,
)
from incubator import services as incubator_services
from incubator.models import VentureMetric

from . import selectors, services
from .forms import (
    MetricChoiceForm,
    MetricForm,
    SessionCreateForm,
    SessionForm,
    assignment_label,
)
from .models import MentoringSession

NOT_A_MENTOR = _("These pages are for mentors.")
# The duration offered to a mentor who has not recorded a session yet.
FIRST_DURATION_MINUTES = 60


def mentor_id_of(request: HttpRequest) -> int:
    """The signed-in user's Mentor profile id; 403 for a user without one."""
    mentor_id = scope_of(request.user).mentor_id
    if mentor_id is None:
        raise PermissionDenied(NOT_A_MENTOR)
    return mentor_id


def mentor_page(view: Callable) -> Callable:
    """A mentor's page: signed in (else to the sign-in page), with a Mentor profile
    (else 403). The view gets the profile's id after the request."""

    @login_required
    @wraps(view)
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, mentor_id_of(request), *args, **kwargs)

    return page


def _refusal(check: Callable[[], None]) -> str | None:
    """What a service's check says when it refuses, or None when it allows."""
    try:
        check()
    except ValidationError as error:
        return " ".join(error.messages)
    except PermissionDenied as error:
        return str(error)
    return None


def _session_refusal(session: MentoringSession, user) -> str | None:
    """Why `user` may not change or delete `session` now (the API's rule), or None."""
    return _refusal(lambda: services.session_ensure_writable(session=session, by=user))


def _history_url(assignment_id: int) -> str:
    return reverse("assignment-detail", args=[assignment_id])


# --- my mentees -----------------------------------------------------------------------


@require_GET
@mentor_page
def mentor_home(request: HttpRequest, mentor_id: int) -> HttpResponse:
    """My mentees: each assignment with its venture (and founders) or BLKK, its last
    session and its venture's last month of figures, and a button to log a session."""
    assignments = selectors.mentee_list(
        user=request.user, mentor_id=mentor_id, today=timezone.localdate()
    )
    page = paginate(request, assignments)
    context = {"page": page, "query": query_without_page(request)}
    return render(request, "mentoring/home.html", context)


# --- sessions -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@mentor_page
def session_create(request: HttpRequest, mentor_id: int) -> HttpResponse:
    """Log a session in one short form; stored, it shows in its assignment's history."""
    user = request.user
    mine = selectors.own_assignments(user=user, mentor_id=mentor_id).select_related(
        "venture", "blkk"
    )
    offered = list(mine.active_on(timezone.localdate()))
    asked = row_named(mine, request.GET.get("assignment"))
    data = form_data(request)
    if data is not None:
        row_named(mine, data.get("assignment"))
    notice = None
    preselected = None
    if asked is not None and asked not in offered:
        notice = _session_refusal(MentoringSession(assignment=asked), user)
    elif asked is not None:
        preselected = asked
    elif len(offered) == 1:
        preselected = offered[0]
    last = selectors.last_session_of(user=user, mentor_id=mentor_id)
    initial = {
        "assignment": preselected.pk if preselected else None,
        "held_on": timezone.localdate(),
        "mode": last.mode if last else MentoringSession.Mode.IN_PERSON,
        "duration_minutes": last.duration_minutes if last else FIRST_DURATION_MINUTES,
    }
    form = SessionCreateForm(
        data=data, initial=initial, assignments=mine, offered=offered
    )
    if request.method == "POST" and form.is_valid():
        session = save_through_service(
            form, lambda: services.session_create(**form.cleaned_data, by=user)
        )
        if session is not None:
            messages.success(request, gettext("Session recorded."))
            return see_other(_history_url(session.assignment_id))
    context = {"form": form, "offered": offered, "notice": notice}
    return render(request, "mentoring/session_form.html", context)


@require_GET
@mentor_page
def assignment_detail(request: HttpRequest, mentor_id: int, pk: int) -> HttpResponse:
    """An assignment's sessions, newest first; each may be changed or deleted while
    the rules allow, and says until when."""
    user = request.user
    mine = selectors.own_assignments(user=user, mentor_id=mentor_id)
    assignment = get_object_or_404(mine.select_related("venture", "blkk"), pk=pk)
    sessions = selectors.own_sessions(user=user, mentor_id=mentor_id).filter(
        assignment=assignment
    )
    page = paginate(request, sessions)
    for session in page:
        session.assignment = assignment
        session.refusal = _session_refusal(session, user)
        session.editable_until = services.session_edit_deadline(session)
    context = {
        "assignment": assignment,
        "is_active": assignment.is_active_on(timezone.localdate()),
        "page": page,
        "query": query_without_page(request),
    }
    return render(request, "mentoring/assignment_detail.html", context)


def _own_session(request: HttpRequest, mentor_id: int, pk: int) -> MentoringSession:
    """The mentor's own session `pk` that they may write; 404 for anyone else's."""
    sessions = MentoringSession.objects.writable_by(request.user).filter(
        assignment__mentor_id=mentor_id
    )
    related = sessions.select_related("assignment__venture", "assignment__blkk")
    return get_object_or_404(related, pk=pk)


def _refused(request: HttpRequest, session: MentoringSession, why: str) -> HttpResponse:
    context = {
        "session": session,
        "mentee": assignment_label(session.assignment),
        "why": why,
    }
    return render(request, "mentoring/session_refused.html", context, status=403)


@require_http_methods(["GET", "POST"])
@mentor_page
def session_update(request: HttpRequest, mentor_id: int, pk: int) -> HttpResponse:
    """Change a session while the rules allow; after that, say why not (403)."""
    session = _own_session(request, mentor_id, pk)
    if not request.user.has_perm("mentoring.change_mentoringsession"):
        raise PermissionDenied
    why = _session_refusal(session, request.user)
    if why is not None:
        return _refused(request, session, why)
    form = SessionForm(data=form_data(request), instance=session)
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(
            form,
            lambda: services.session_update(
                session=session, by=request.user, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, gettext("Session saved."))
            return see_other(_history_url(session.assignment_id))
    context = {
        "form": form,
        "session": session,
        "mentee": assignment_label(session.assignment),
    }
    return render(request, "mentoring/session_form.html", context)


@require_http_methods(["GET", "POST"])
@mentor_page
def session_delete(request: HttpRequest, mentor_id: int, pk: int) -> HttpResponse:
    """Ask, then delete a session while the rules allow; after that, say why not."""
    session = _own_session(request, mentor_id, pk)
    if not request.user.has_perm("mentoring.delete_mentoringsession"):
        raise PermissionDenied
    why = _session_refusal(session, request.user)
    if why is None and request.method == "POST":
        why = _refusal(
            lambda: services.session_delete(session=session, by=request.user)
        )
        if why is None:
            messages.success(request, gettext("Session deleted."))
            return see_other(_history_url(session.assignment_id))
    if why is not None:
        return _refused(request, session, why)
    context = {"session": session, "mentee": assignment_label(session.assignment)}
    return render(request, "mentoring/session_delete.html", context)


# --- monthly figures ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@mentor_page
def mentor_metrics(request: HttpRequest, mentor_id: int) -> HttpResponse:
    """A month's figures of a venture the mentor mentors now: the stored ones to
    change, or new ones; and which of their ventures have not reported the last
    completed month."""
    user = request.user
    last_month = Month.last_completed()
    ventures = selectors.metric_ventures(
        user=user, mentor_id=mentor_id, today=timezone.localdate(), month=last_month
    )
    data = form_data(request)
    # What the figures are about: the posted (or kept) form's venture and month,
    # else the query string's, else the only venture and the last completed month.
    source = data if data is not None else request.GET
    venture = row_named(ventures, source.get("venture"))
    listed = list(ventures)
    if venture is None and len(listed) == 1:
        venture = listed[0]
    choice = QueryDict(mutable=True)
    choice["venture"] = str(venture.pk) if venture else ""
    choice["period"] = source.get("period") or str(last_month)
    chooser = MetricChoiceForm(data=choice, ventures=ventures)
    form = stored = month = None
    if venture is not None and chooser.is_valid():
        month = chooser.cleaned_data["period"]
        stored = (
            VentureMetric.objects.writable_by(user)
            .filter(venture=venture, period=month.first_day)
            .first()
        )
        initial = {"venture": venture.pk, "period": month}
        if stored is not None:
            initial |= {
                "revenue": stored.revenue,
                "workers": stored.workers,
                "customers": stored.customers,
            }
        form = MetricForm(data=data, initial=initial, ventures=ventures)
        if request.method == "POST" and form.is_valid():
            saved = save_through_service(form, _metric_save(request, form, stored))
            if saved is not None:
                messages.success(request, gettext("Figures saved."))
                query = urlencode({"venture": venture.pk, "period": str(month)})
                return see_other(f"{reverse('mentor-metrics')}?{query}")
    context = {
        "chooser": chooser,
        "form": form,
        "venture": venture,
        "month": month,
        "stored": stored,
        "ventures": listed,
        "last_month": last_month,
    }
    return render(request, "mentoring/metrics.html", context)


def _metric_save(
    request: HttpRequest, form: MetricForm, stored: VentureMetric | None
) -> Callable[[], VentureMetric]:
    """The service call that stores the form's figures: a change of the month's
    stored figures, or new ones."""
    user = request.user
    figures = {
        name: form.cleaned_data[name] for name in ("revenue", "workers", "customers")
    }
    if stored is not None:
        if not user.has_perm("incubator.change_venturemetric"):
            raise PermissionDenied
        return lambda: incubator_services.metric_update(
            metric=stored, by=user, **figures
        )
    if not user.has_perm("incubator.add_venturemetric"):
        raise PermissionDenied
    return lambda: incubator_services.metric_create(
        venture=form.cleaned_data["venture"],
        period=form.cleaned_data["period"].first_day,
        by=user,
        **figures,
    )
