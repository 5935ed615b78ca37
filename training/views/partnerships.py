"""A BLKK's partnerships (kemitraan) and the partners they are with.

The list shows this BLKK's own partnerships and the ministry's national ones
(`BlkkHere.rows`: what the BLKK reaches), each with its status today. The BLKK's
managers record and change its own; a national one is read here and changed by
ministry staff alone (an edit answers 403), another BLKK's is 404. Partners are
shared reference data: every partner is listed and found by name, and a manager
adds one without leaving the partnership's form (`?next=` brings them back with
the new partner chosen). Ministry and province staff read these pages; writing
answers 403.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from blkk_portal.api.filters import MAX_SEARCH_LENGTH
from blkk_portal.numbers import is_ascii_digits
from blkk_portal.pages import (
    form_data,
    paginate,
    query_without_page,
    row_named,
    save_through_service,
    see_other,
)

from .. import services
from ..forms import PartnerForm, PartnershipForm
from ..models import Partner, Partnership, Regency
from ..programme_records import EXPIRING_WITHIN_DAYS, PARTNERSHIP_PURPOSES
from ..selectors import PartnershipStatus, partnerships_with_status
from .blkks import BlkkHere, blkk_page

PURPOSE_LABELS = dict(PARTNERSHIP_PURPOSES)
# DESIGN.md's order of the purposes.
PURPOSE_ORDER = {code: index for index, code in enumerate(PURPOSE_LABELS)}


def _search_term(request: HttpRequest) -> str:
    # Bounded like the API's search; a NUL byte, which PostgreSQL cannot compare,
    # is dropped rather than answered with an error.
    raw = request.GET.get("q", "").replace("\x00", "")
    return raw.strip()[:MAX_SEARCH_LENGTH]


# --- partnerships -----------------------------------------------------------------


@require_GET
@blkk_page
def partnership_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """This BLKK's partnerships and the national ones, latest start first, each
    with its partner, purposes, dates and status today (active, expiring within
    60 days, not started yet, ended); found by partner or agreement number."""
    today = timezone.localdate()
    editable = (
        Exists(here.writable_rows(Partnership).filter(pk=OuterRef("pk")))
        if here.writable
        else Value(False)
    )
    rows = partnerships_with_status(here.rows(Partnership), today).annotate(
        editable=editable
    )
    term = _search_term(request)
    if term:
        rows = rows.filter(
            Q(partner__name__icontains=term) | Q(agreement_number__icontains=term)
        )
    rows = (
        rows.select_related("partner__regency")
        .prefetch_related("purposes")
        .order_by("-start_date", "-pk")
    )
    page = paginate(request, rows)
    page.object_list = list(page.object_list)
    for partnership in page.object_list:
        partnership.purpose_labels = _purpose_labels(partnership)
    context = {
        "here": here,
        "page": page,
        "query": query_without_page(request),
        "search": term,
        "statuses": PartnershipStatus,
        "expiring_within": EXPIRING_WITHIN_DAYS,
    }
    return render(request, "training/partnership_list.html", context)


def _purpose_labels(partnership: Partnership) -> list[str]:
    codes = sorted(
        (purpose.pk for purpose in partnership.purposes.all()),
        key=lambda code: PURPOSE_ORDER.get(code, len(PURPOSE_ORDER)),
    )
    return [str(PURPOSE_LABELS.get(code, code)) for code in codes]


def _offered_partners(here: BlkkHere, *chosen: int | None) -> QuerySet:
    """The partners the form lists: those of the BLKK's province, those without a
    regency, those its partnerships (and the national ones) are with, and any
    `chosen` one. Any other partner may still be chosen (`?partner=`)."""
    province = Regency.objects.filter(pk=here.blkk.regency_id).values("province_id")
    partnered = here.rows(Partnership).values("partner_id")
    condition = (
        Q(regency__province_id__in=province)
        | Q(regency__isnull=True)
        | Q(pk__in=partnered)
        | Q(pk__in=[pk for pk in chosen if pk is not None])
    )
    return (
        Partner.objects.visible_to(here.user)
        .filter(condition)
        .select_related("regency")
        .order_by("name", "pk")
    )


def _id_in(data: QueryDict | None, name: str) -> int | None:
    raw = data.get(name, "") if data is not None else ""
    return int(raw) if is_ascii_digits(raw) and len(raw) < 19 else None


def _partnership_form(
    request: HttpRequest, here: BlkkHere, *, partnership: Partnership | None, save
) -> HttpResponse:
    """The add or edit page: `save(form)` calls the service; its refusal shows on
    the form and nothing is stored. `?partner=ID` (a partner just added, or
    found on the partners' page) is chosen."""
    partners = Partner.objects.visible_to(here.user)
    preselected = row_named(partners, request.GET.get("partner"))
    data = form_data(request)
    form = PartnershipForm(
        data,
        instance=partnership,
        initial={"partner": preselected.pk} if preselected is not None else None,
        partners=partners,
        offered=_offered_partners(
            here,
            preselected.pk if preselected is not None else None,
            partnership.partner_id if partnership is not None else None,
            _id_in(data, "partner"),
        ),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and save_through_service(form, lambda: save(form)) is not None
    ):
        messages.success(request, _("The partnership is saved."))
        return see_other(reverse("partnership-list", args=[here.blkk.code]))
    context = {
        "here": here,
        "form": form,
        "partnership": partnership,
        "add_partner_url": _add_partner_url(request, here),
    }
    return render(request, "training/partnership_form.html", context)


def _add_partner_url(request: HttpRequest, here: BlkkHere) -> str:
    """The partner page's address, coming back here (this page, without a
    partner chosen in its query) once the partner is added."""
    query = request.GET.copy()
    query.pop("partner", None)
    back = request.path + (f"?{query.urlencode()}" if query else "")
    return (
        reverse("partner-create", args=[here.blkk.code])
        + "?"
        + urlencode({"next": back})
    )


@require_http_methods(["GET", "POST"])
@blkk_page
def partnership_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Record a partnership of this BLKK."""
    here.ensure_may("training.add_partnership")
    return _partnership_form(
        request,
        here,
        partnership=None,
        save=lambda form: services.partnership_create(
            blkk=here.blkk, by=request.user, **form.cleaned_data
        ),
    )


@require_http_methods(["GET", "POST"])
@blkk_page
def partnership_update(request: HttpRequest, here: BlkkHere, pk: int) -> HttpResponse:
    """Change a partnership of this BLKK; a national one is the ministry's (403),
    another BLKK's is not found here (404)."""
    here.ensure_may("training.change_partnership")
    partnership = get_object_or_404(here.rows(Partnership), pk=pk)
    if not here.writable_rows(Partnership).filter(pk=partnership.pk).exists():
        raise PermissionDenied(services.NATIONAL_PARTNERSHIP_FIXED)
    return _partnership_form(
        request,
        here,
        partnership=partnership,
        save=lambda form: services.partnership_update(
            partnership=partnership, by=request.user, **form.cleaned_data
        ),
    )


# --- partners ---------------------------------------------------------------------


@require_GET
@blkk_page
def partner_list(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Every partner (shared by all BLKKs), by name, found by name or kind; a
    manager records a partnership with one from here."""
    rows = Partner.objects.visible_to(here.user).select_related("regency")
    term = _search_term(request)
    if term:
        rows = rows.filter(name__icontains=term)
    kind = request.GET.get("kind", "")
    if kind not in Partner.Kind.values:
        kind = ""
    if kind:
        rows = rows.filter(kind=kind)
    context = {
        "here": here,
        "page": paginate(request, rows.order_by("name", "pk")),
        "query": query_without_page(request),
        "search": term,
        "kind": kind,
        "kinds": Partner.Kind.choices,
        "may_add": here.writable and here.user.has_perm("training.add_partner"),
    }
    return render(request, "training/partner_list.html", context)


def _next_url(request: HttpRequest) -> str:
    """`next` (in the query or the form) when it is a path on this site, else ""."""
    raw = request.POST.get("next") or request.GET.get("next") or ""
    if not raw.startswith("/") or raw.startswith("//"):
        return ""
    safe = url_has_allowed_host_and_scheme(
        raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return raw if safe else ""


def _with_partner(url: str, partner: Partner) -> str:
    """`url` with `partner=ID` in its query (replacing any there)."""
    parts = urlsplit(url)
    query = QueryDict(parts.query, mutable=True)
    query["partner"] = str(partner.pk)
    return urlunsplit(parts._replace(query=query.urlencode()))


@require_http_methods(["GET", "POST"])
@blkk_page
def partner_create(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """Add a partner; back to `?next=` (the partnership's form) with it chosen. A
    name already recorded in the regency is refused, and that partner offered."""
    here.ensure_may("training.add_partner")
    next_url = _next_url(request)
    form = PartnerForm(form_data(request))
    namesake = None
    if request.method == "POST" and form.is_valid():
        typed = dict(form.cleaned_data)
        partner = save_through_service(
            form, lambda: services.partner_create(by=request.user, **typed)
        )
        if partner is not None:
            messages.success(
                request, _("%(name)s is added to the partners.") % {"name": partner}
            )
            if next_url:
                return see_other(_with_partner(next_url, partner))
            listed = reverse("partner-list", args=[here.blkk.code])
            return see_other(f"{listed}?{urlencode({'q': partner.name})}")
        # Refused as already recorded: that partner is offered instead.
        namesake = services.partner_namesake(
            name=typed["name"], regency=typed.get("regency")
        )
    context = {
        "here": here,
        "form": form,
        "next": next_url,
        "namesake": namesake,
        "use_namesake_url": _use_partner_url(here, next_url, namesake),
        "back_url": next_url or reverse("partner-list", args=[here.blkk.code]),
    }
    return render(request, "training/partner_form.html", context)


def _use_partner_url(here: BlkkHere, next_url: str, partner: Partner | None) -> str:
    if partner is None:
        return ""
    if next_url:
        return _with_partner(next_url, partner)
    return (
        reverse("partnership-create", args=[here.blkk.code]) + f"?partner={partner.pk}"
    )
