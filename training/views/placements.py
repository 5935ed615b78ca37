"""Placements of a BLKK's people (pemagangan, skema penempatan): apprenticeships,
employment and work abroad with a partner.

Like a certification or an outcome (`records.py`), a placement is read by every
BLKK that reaches its person and changed only by the managers of the BLKK it was
recorded for (one recorded here is this BLKK's): one shown here but kept by another
BLKK answers 403 to an edit, one about a person this BLKK does not reach is 404.
Ministry and province staff read these pages (writing answers 403).
"""

from __future__ import annotations

from functools import partial

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from blkk_portal.api.filters import MAX_SEARCH_LENGTH
from blkk_portal.pages import paginate, query_without_page

from .. import services
from ..forms import PlacementForm
from ..models import (
    Enrollment,
    EnrollmentStatus,
    Partnership,
    Placement,
    Trainee,
)
from .blkks import BlkkHere, audit_whole_niks, blkk_page
from .records import (
    _kept_here,
    _people_shown_to,
    _preselected,
    _record_form,
    _trainee_filter,
)


def _choice(request: HttpRequest, name: str, choices) -> str:
    """`?name=value` when the value is one of `choices`; anything else is ignored."""
    raw = request.GET.get(name, "")
    return raw if raw in choices.values else ""


@require_GET
@blkk_page
def placement_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Placements of the people this BLKK reaches, latest start first; by kind, by
    status, by the person's name (a name only: the NIK is not searched here)."""
    editable = (
        Exists(here.writable_rows(Placement).filter(pk=OuterRef("pk")))
        if here.writable
        else Value(False)
    )
    rows = here.rows(Placement)
    kind = _choice(request, "kind", Placement.Kind)
    status = _choice(request, "status", Placement.Status)
    trainee = _trainee_filter(request)
    search = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_SEARCH_LENGTH]
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if trainee:
        rows = rows.filter(trainee_id=trainee)
    if search:
        rows = rows.filter(trainee__full_name__icontains=search)
    rows = (
        rows.select_related("partner", "recorded_by_blkk")
        .prefetch_related(Prefetch("trainee", queryset=_people_shown_to(request)))
        .annotate(editable=editable)
        .order_by(*Placement._meta.ordering)
    )
    page = paginate(request, rows)
    audit_whole_niks(request, [record.trainee for record in page.object_list])
    context = {
        "here": here,
        "page": page,
        "query": query_without_page(request),
        "trainee": trainee,
        "kind": kind,
        "status": status,
        "search": search,
        "kinds": Placement.Kind.choices,
        "statuses": Placement.Status.choices,
    }
    return render(request, "training/placement_list.html", context)


def _placeable(here: BlkkHere) -> QuerySet:
    """The people offered for a placement: those this BLKK reaches with a training
    not dropped (completed for employment and work abroad, which the service checks
    against the start date; an apprenticeship may start during training)."""
    trained = Enrollment.objects.exclude(status=EnrollmentStatus.DROPPED)
    return here.writable_rows(Trainee).filter(pk__in=trained.values("trainee_id"))


def _partnerships(here: BlkkHere, placement: Placement | None = None) -> QuerySet:
    """This BLKK's partnerships and the national ones (those the user sees), and
    the placement's own."""
    offered = Partnership.objects.visible_to(here.user).filter(
        Q(blkk_id=here.blkk.pk) | Q(blkk__isnull=True)
    )
    if placement is not None and placement.partnership_id is not None:
        offered = offered | Partnership.objects.filter(pk=placement.partnership_id)
    return offered


@require_http_methods(["GET", "POST"])
@blkk_page
def placement_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Record a placement for a person this BLKK reaches (`?trainee=ID` chooses
    them, as their page does); it is this BLKK's to keep."""
    here.ensure_may("training.add_placement")
    return _record_form(
        request,
        here,
        form_class=partial(PlacementForm, partnerships=_partnerships(here)),
        template="training/placement_form.html",
        offered=_placeable(here),
        initial=_preselected(request),
        save=lambda form: services.placement_create(
            recorded_by_blkk=here.blkk, by=request.user, **form.cleaned_data
        ),
        done_url=reverse("placement-list", args=[here.blkk.code]),
    )


@require_http_methods(["GET", "POST"])
@blkk_page
def placement_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Change a placement kept here: its status as it goes on, its end."""
    here.ensure_may("training.change_placement")
    placement = _kept_here(here, Placement, pk)
    return _record_form(
        request,
        here,
        form_class=partial(PlacementForm, partnerships=_partnerships(here, placement)),
        template="training/placement_form.html",
        offered=_placeable(here),
        record=placement,
        save=lambda form: services.placement_update(
            placement=placement, by=request.user, **form.cleaned_data
        ),
        done_url=reverse("placement-list", args=[here.blkk.code]),
    )
