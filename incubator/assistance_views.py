"""Portal pages of a BLKK's assistance (bantuan wirausaha): `/blkk/CODE/assistance/`.

Everyone who opens the BLKK (its managers, ministry staff, its province's staff)
reads the assistance it counts: its own and its ventures' (`here.rows`), each with
its status, value, last check and a flag when it has not been checked for more than
six months, and on its own page the status history. Ministry staff propose (`new/`),
change a proposal (`edit/`), approve and cancel; the BLKK's managers and ministry
staff record the delivery (with the BAST number), the move to in use and the
checks. Each move the user's role may make from the current status is offered as
a small form; the service judges every POST (a move the role may not make: 403;
one the rules forbid: the form again with the service's message). Province staff
read only (a POST answers 403); mentors and other BLKKs' managers find nothing
(404, `blkk_page`). A venture's page lists its own assistance (`venture_panel`).
"""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blkk_portal.pages import (
    form_data,
    paginate,
    query_without_page,
    row_named,
    save_through_service,
    see_other,
)
from training.views import BlkkHere, blkk_page

from . import selectors, services
from .forms import (
    AssistanceCheckForm,
    AssistanceForm,
    AssistanceMoveForm,
    AssistanceUpdateForm,
)
from .models import Venture
from .panels import venture_panel
from .programme_records import (
    HANDED_OVER,
    MINISTRY_MOVES,
    Assistance,
    AssistanceStatus,
    AssistanceStatusChange,
    assistance_moves_from,
)

PROPOSE = "incubator.add_assistance"
GET_OR_POST = ["GET", "POST"]
# The label of each move's button.
MOVE_LABELS = {
    AssistanceStatus.APPROVED: gettext_lazy("Approve"),
    AssistanceStatus.DELIVERED: gettext_lazy("Record the delivery"),
    AssistanceStatus.IN_USE: gettext_lazy("Record that it is in use"),
    AssistanceStatus.CANCELLED: gettext_lazy("Cancel the assistance"),
}


def _assisting(here: BlkkHere) -> BlkkHere:
    """`here` as these pages see it: written by ministry staff (who propose,
    approve and cancel) and by the BLKK's managers (delivery, use, checks); read
    by province staff."""
    return dataclasses.replace(
        here, writable=here.writable or here.user.sees_everything
    )


def _ensure_proposer(here: BlkkHere) -> None:
    """403 unless the user proposes assistance (ministry staff)."""
    if not here.user.has_perm(PROPOSE):
        raise PermissionDenied(services.ASSISTANCE_PROPOSERS)


def _moves_for(here: BlkkHere, assistance: Assistance) -> list[AssistanceStatus]:
    """The moves from the assistance's status that the user's role makes: ministry
    staff every one the rules allow, the BLKK's managers all but approving and
    cancelling, province staff none."""
    if not here.writable:
        return []
    return [
        move
        for move in assistance_moves_from(assistance.status)
        if here.user.sees_everything or move not in MINISTRY_MOVES
    ]


def _with_check_due(rows):
    return selectors.assistance_with_check_due(rows, timezone.localdate())


def _detail_url(here: BlkkHere, assistance: Assistance) -> str:
    return reverse("assistance-detail", args=[here.blkk.code, assistance.pk])


@require_GET
@blkk_page
def assistance_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The assistance this BLKK counts (its own and its ventures'), latest year
    first: by status, by kind, or only those due a check (`?due=1`)."""
    here = _assisting(here)
    rows = _with_check_due(here.rows(Assistance).select_related("venture"))
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    due = request.GET.get("due", "") == "1"
    if status in AssistanceStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    if kind in Assistance.Kind.values:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    if due:
        rows = rows.filter(check_overdue=True)
    context = {
        "here": here,
        "page": paginate(request, rows.order_by(*Assistance._meta.ordering)),
        "query": query_without_page(request),
        "status": status,
        "kind": kind,
        "due": due,
        "statuses": AssistanceStatus.choices,
        "kinds": Assistance.Kind.choices,
        "may_propose": request.user.has_perm(PROPOSE),
    }
    return render(request, "incubator/assistance_list.html", context)


def _detail(
    request: HttpRequest,
    here: BlkkHere,
    assistance: Assistance,
    *,
    posted_move: AssistanceMoveForm | None = None,
    check_form: AssistanceCheckForm | None = None,
) -> HttpResponse:
    """The assistance's page, with the moves the user makes as forms (one of them
    bound to what was posted when it was refused) and the check form."""
    history = (
        here.rows(AssistanceStatusChange)
        .filter(assistance=assistance)
        .select_related("by")
        .order_by("on", "pk")
    )
    moves = []
    for to_status in _moves_for(here, assistance):
        form = posted_move
        if form is None or form.move != to_status:
            form = AssistanceMoveForm(to_status=to_status)
        moves.append({"form": form, "label": MOVE_LABELS[to_status]})
    refused_move = posted_move is not None and not any(
        move["form"] is posted_move for move in moves
    )
    may_check = here.writable and assistance.status in HANDED_OVER
    context = {
        "here": here,
        "assistance": assistance,
        "history": history,
        "moves": moves,
        # A move posted that is no longer offered (another user moved it first):
        # its refusal is shown on its own.
        "refused_move": posted_move if refused_move else None,
        # A refused check is shown with its message, whatever the status now.
        "check_form": check_form
        if check_form is not None
        else (AssistanceCheckForm() if may_check else None),
        # Ministry staff correct a description at any time (the service keeps
        # what a delivery or a cancellation settled).
        "may_edit": request.user.has_perm(PROPOSE),
    }
    return render(request, "incubator/assistance_detail.html", context)


def _assistance_here(here: BlkkHere, pk: int, *, writing: bool = False) -> Assistance:
    """The assistance `pk` that this BLKK counts (404 otherwise), with the check
    annotations; for a write, among the rows the user may change."""
    rows = here.writable_rows(Assistance) if writing else here.rows(Assistance)
    return get_object_or_404(
        _with_check_due(rows.select_related("blkk", "venture")), pk=pk
    )


@require_GET
@blkk_page
def assistance_detail(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    here = _assisting(here)
    return _detail(request, here, _assistance_here(here, pk))


@require_POST
@blkk_page
def assistance_move(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Make one move (the posted `to_status`) through `services.assistance_move`;
    refused, the page again with the message on the move's form."""
    here = _assisting(here)
    here.ensure_may("incubator.change_assistance")
    assistance = _assistance_here(here, pk, writing=True)
    posted = request.POST.get("to_status", "")
    form = AssistanceMoveForm(
        data=request.POST,
        to_status=posted if posted in AssistanceStatus.values else "",
    )
    if form.is_valid():
        change = save_through_service(
            form,
            lambda: services.assistance_move(
                assistance=assistance, by=here.user, **form.cleaned_data
            ),
        )
        if change is not None:
            messages.success(
                request,
                _("The assistance is now %(status)s.")
                % {"status": change.get_to_status_display().lower()},
            )
            return see_other(_detail_url(here, assistance))
        assistance = _assistance_here(here, pk, writing=True)
    return _detail(request, here, assistance, posted_move=form)


@require_POST
@blkk_page
def assistance_check(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Record a check through `services.assistance_record_check`."""
    here = _assisting(here)
    here.ensure_may("incubator.change_assistance")
    assistance = _assistance_here(here, pk, writing=True)
    form = AssistanceCheckForm(data=request.POST)
    if form.is_valid():
        saved = save_through_service(
            form,
            lambda: services.assistance_record_check(
                assistance=assistance,
                checked_on=form.cleaned_data["last_checked_on"],
                condition=form.cleaned_data["condition"],
                by=here.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("The check is recorded."))
            return see_other(_detail_url(here, assistance))
        assistance = _assistance_here(here, pk, writing=True)
    return _detail(request, here, assistance, check_form=form)


def _ventures(here: BlkkHere):
    return here.rows(Venture).order_by("name", "pk")


@require_http_methods(GET_OR_POST)
@blkk_page
def assistance_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Propose assistance to this BLKK or one of its ventures (ministry staff;
    `?venture=ID` chooses the venture, as its page does)."""
    here = _assisting(here)
    _ensure_proposer(here)
    initial = {"proposed_on": timezone.localdate(), "year": timezone.localdate().year}
    chosen = row_named(_ventures(here), request.GET.get("venture"))
    if chosen is not None:
        initial["venture"] = chosen.pk
    form = AssistanceForm(
        data=form_data(request), initial=initial, ventures=_ventures(here)
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        venture = fields.pop("venture")
        assistance = save_through_service(
            form,
            lambda: services.assistance_create(
                blkk=None if venture else here.blkk,
                venture=venture,
                by=here.user,
                **fields,
            ),
        )
        if assistance is not None:
            messages.success(request, _("The assistance is proposed."))
            return see_other(_detail_url(here, assistance))
    context = {"here": here, "form": form, "assistance": None}
    return render(request, "incubator/assistance_form.html", context)


@require_http_methods(GET_OR_POST)
@blkk_page
def assistance_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Change a proposal: its recipient (this BLKK or one of its ventures), kind,
    year, value and description (ministry staff)."""
    here = _assisting(here)
    _ensure_proposer(here)
    assistance = _assistance_here(here, pk, writing=True)
    form = AssistanceUpdateForm(
        data=form_data(request), instance=assistance, ventures=_ventures(here)
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        venture = fields.pop("venture")
        saved = save_through_service(
            form,
            lambda: services.assistance_update(
                assistance=assistance,
                blkk=None if venture else here.blkk,
                venture=venture,
                by=here.user,
                **fields,
            ),
        )
        if saved is not None:
            messages.success(request, _("The assistance is saved."))
            return see_other(_detail_url(here, saved))
        assistance.refresh_from_db()  # the refused changes were set on it
    context = {"here": here, "form": form, "assistance": assistance}
    return render(request, "incubator/assistance_form.html", context)


# --- on a venture's page -------------------------------------------------------------


def venture_assistance(request: HttpRequest, venture: Venture) -> dict:
    """The venture's assistance the user reads, latest first, with their checks."""
    rows = Assistance.objects.visible_to(request.user).filter(venture_id=venture.pk)
    return {
        "assistance": list(_with_check_due(rows).order_by(*Assistance._meta.ordering)),
        "venture": venture,
        "may_propose": request.user.has_perm(PROPOSE),
    }


venture_panel("incubator/_assistance_panel.html", venture_assistance, order=20)
