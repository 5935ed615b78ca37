"""Records about a BLKK's people: certifications, graduate outcomes, and the
graduates due for a follow-up.

A certification or an outcome is read by every BLKK that reaches its person and
changed only by the managers of the BLKK it was recorded for (`recorded_by_blkk`;
one recorded here is this BLKK's). A record shown here but kept by another BLKK
answers 403 to an edit; one about a person this BLKK does not reach is 404.
Ministry and province staff read these pages (writing answers 403).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from blkk_portal.numbers import is_ascii_digits
from blkk_portal.pages import (
    form_data,
    paginate,
    query_without_page,
    save_through_service,
    see_other,
)

from .. import services
from ..forms import CertificationForm, OutcomeForm
from ..models import (
    Certification,
    Enrollment,
    EnrollmentStatus,
    GraduateOutcome,
    OutcomeStatus,
    Placement,
    Trainee,
)
from ..selectors import graduates_due_for_follow_up, placements_ended_early
from .blkks import BlkkHere, audit_whole_niks, blkk_page

KEPT_ELSEWHERE = gettext_lazy(
    "This record is kept by the BLKK that recorded it: only its managers change it."
)


def _people_shown_to(request: HttpRequest) -> QuerySet:
    user = request.user
    return Trainee.objects.visible_to(user).with_full_nik_flag(user)


def _trainee_filter(request: HttpRequest) -> str:
    """`?trainee=ID` (ASCII digits; anything else is ignored)."""
    raw = request.GET.get("trainee", "")
    return raw if is_ascii_digits(raw) and len(raw) < 12 else ""


def _record_list(request: HttpRequest, here: BlkkHere, model, template: str, **extra):
    """A list of records about the people this BLKK reaches, each marked
    `editable` when the user may change it here."""
    editable = (
        Exists(here.writable_rows(model).filter(pk=OuterRef("pk")))
        if here.writable
        else Value(False)
    )
    rows = (
        here.rows(model)
        .select_related("recorded_by_blkk")
        .prefetch_related(Prefetch("trainee", queryset=_people_shown_to(request)))
        .annotate(editable=editable)
    )
    trainee = _trainee_filter(request)
    if trainee:
        rows = rows.filter(trainee_id=trainee)
    page = paginate(request, rows.order_by(*model._meta.ordering))
    audit_whole_niks(request, [record.trainee for record in page.object_list])
    context = {
        "here": here,
        "page": page,
        "query": query_without_page(request),
        "trainee": trainee,
        **extra,
    }
    return render(request, template, context)


def _record_form(
    request: HttpRequest,
    here: BlkkHere,
    *,
    form_class,
    template: str,
    offered: QuerySet,
    record=None,
    save: Callable,
    done_url: str,
    initial: dict | None = None,
) -> HttpResponse:
    """The add or edit page of a record about a person: `save(form)` calls the
    service; its refusal shows on the form and nothing is stored."""
    people = here.writable_rows(Trainee)
    if record is not None:
        # The record's own person stays on the list, graduate or not.
        offered = offered | people.filter(pk=record.trainee_id)
    form = form_class(
        form_data(request),
        instance=record,
        initial=initial,
        people=people,
        offered=offered.order_by("full_name", "pk"),
        user=request.user,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and save_through_service(form, lambda: save(form)) is not None
    ):
        messages.success(request, _("The record is saved."))
        return see_other(done_url)
    audit_whole_niks(request, form.offered)
    context = {"here": here, "form": form, "record": record}
    return render(request, template, context)


def _preselected(request: HttpRequest) -> dict:
    trainee = _trainee_filter(request)
    return {"trainee": trainee} if trainee else {}


# --- certifications -------------------------------------------------------------------


@require_GET
@blkk_page
def certification_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Certifications of the people this BLKK reaches, latest first."""
    return _record_list(
        request, here, Certification, "training/certification_list.html"
    )


@require_http_methods(["GET", "POST"])
@blkk_page
def certification_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Record a certification for a person this BLKK reaches (`?trainee=ID`
    chooses them); it is this BLKK's to keep."""
    here.ensure_may("training.add_certification")
    return _record_form(
        request,
        here,
        form_class=CertificationForm,
        template="training/certification_form.html",
        offered=here.writable_rows(Trainee),
        initial=_preselected(request),
        save=lambda form: services.certification_create(
            recorded_by_blkk=here.blkk, by=request.user, **form.cleaned_data
        ),
        done_url=reverse("certification-list", args=[here.blkk.code]),
    )


@require_http_methods(["GET", "POST"])
@blkk_page
def certification_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    here.ensure_may("training.change_certification")
    certification = _kept_here(here, Certification, pk)
    return _record_form(
        request,
        here,
        form_class=CertificationForm,
        template="training/certification_form.html",
        offered=here.writable_rows(Trainee),
        record=certification,
        save=lambda form: services.certification_update(
            certification=certification, by=request.user, **form.cleaned_data
        ),
        done_url=reverse("certification-list", args=[here.blkk.code]),
    )


def _kept_here(here: BlkkHere, model, pk: int):
    """The record `pk` for editing: 404 unless this BLKK reaches its person, 403
    when it is kept by a BLKK whose records the user does not change."""
    record = get_object_or_404(here.rows(model), pk=pk)
    if not here.writable_rows(model).filter(pk=record.pk).exists():
        raise PermissionDenied(KEPT_ELSEWHERE)
    return record


# --- graduate outcomes ----------------------------------------------------------------


def _graduates(here: BlkkHere) -> QuerySet:
    """The people this BLKK reaches who completed a batch (anywhere): those an
    outcome is recorded for."""
    completed = Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED)
    return here.writable_rows(Trainee).filter(pk__in=completed.values("trainee_id"))


@require_GET
@blkk_page
def outcome_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Graduate outcomes (tracer-study answers) of the people this BLKK reaches,
    latest survey first."""
    return _record_list(
        request,
        here,
        GraduateOutcome,
        "training/outcome_list.html",
        statuses=OutcomeStatus,
    )


@require_http_methods(["GET", "POST"])
@blkk_page
def outcome_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Record what became of a graduate (`?trainee=ID` chooses them, as the
    follow-up list does); surveyed today unless said otherwise."""
    here.ensure_may("training.add_graduateoutcome")
    return _record_form(
        request,
        here,
        form_class=OutcomeForm,
        template="training/outcome_form.html",
        offered=_graduates(here),
        initial={"surveyed_on": timezone.localdate(), **_preselected(request)},
        save=lambda form: services.outcome_create(
            recorded_by_blkk=here.blkk, by=request.user, **form.cleaned_data
        ),
        done_url=reverse("outcome-list", args=[here.blkk.code]),
    )


@require_http_methods(["GET", "POST"])
@blkk_page
def outcome_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    here.ensure_may("training.change_graduateoutcome")
    outcome = _kept_here(here, GraduateOutcome, pk)
    return _record_form(
        request,
        here,
        form_class=OutcomeForm,
        template="training/outcome_form.html",
        offered=_graduates(here),
        record=outcome,
        save=lambda form: services.outcome_update(
            outcome=outcome, by=request.user, **form.cleaned_data
        ),
        done_url=reverse("outcome-list", args=[here.blkk.code]),
    )


# --- follow-ups -----------------------------------------------------------------------


@require_GET
@blkk_page
def followup_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The BLKK's graduates due for a follow-up today, most overdue first
    (`selectors.graduates_due_for_follow_up`), and the placements of its people
    that ended early with no outcome since (`selectors.placements_ended_early`),
    each with a link to record the person's outcome."""
    today = timezone.localdate()
    due = graduates_due_for_follow_up(
        here.blkk, today, people=_people_shown_to(request)
    )
    page = paginate(request, due)
    ended = _placements_ended_early(request, here, today)
    audit_whole_niks(
        request,
        [row.person for row in page.object_list]
        + [placement.trainee for placement in ended["shown"]],
    )
    context = {
        "here": here,
        "page": page,
        "query": query_without_page(request),
        "today": today,
        "ended_early": ended,
    }
    return render(request, "training/followup_list.html", context)


# The placements that ended early shown on the follow-up page, oldest first; the
# rest are on the placements page, filtered by that status.
ENDED_EARLY_SHOWN = 25


def _placements_ended_early(request: HttpRequest, here: BlkkHere, today) -> dict:
    """The placements of the people this BLKK reaches that ended early with no
    outcome surveyed since (`selectors.placements_ended_early`): the first
    `ENDED_EARLY_SHOWN` and how many there are."""
    rows = placements_ended_early(
        here.rows(Placement), today, people=_people_shown_to(request)
    )
    shown = list(rows[:ENDED_EARLY_SHOWN])
    count = len(shown) if len(shown) < ENDED_EARLY_SHOWN else rows.count()
    return {"shown": shown, "count": count}
