"""Portal pages of the training app: the BLKKs a user may open, and a BLKK's records.

Every page under `/blkk/CODE/` starts from `blkk_page`: it finds the BLKK among those
the user reaches as staff (a manager's own, a province's, every one for ministry
staff; anyone else: 404), and hands the view a `BlkkHere` that scopes each list to
that BLKK and the user. Managers of the BLKK write; ministry and province staff read
the same pages (a write answers 403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import scope_of
from blkk_portal.pages import (
    NOT_YOUR_ROLE,
    blkk_sections,
    paginate,
    query_without_page,
    roles_required,
)

from ..models import Blkk, Province
from ..services import managed_blkk_ids, trainee_views_record

READ_ONLY = _("You can only read this BLKK's records.")
STAFF_ROLES = (Role.MINISTRY, Role.PROVINCE, Role.BLKK_MANAGER)


def blkks_opened_by(user) -> QuerySet:
    """The BLKKs whose pages `user` may open: every one for ministry staff, their
    province's for province staff, their own for managers; none for anyone else
    (a mentor reaches a BLKK's venture, not its records)."""
    scope = scope_of(user)
    if scope.everything:
        return Blkk.objects.all()
    if scope.blkk_ids is None:
        return Blkk.objects.none()
    return Blkk.objects.filter(pk__in=scope.blkk_ids)


@dataclass
class BlkkHere:
    """The BLKK a page is about, for the user looking at it. Made by `blkk_page`
    only, for a BLKK the user opens (`blkks_opened_by`)."""

    request: HttpRequest
    blkk: Blkk
    writable: bool

    @property
    def user(self):
        return self.request.user

    def rows(self, model) -> QuerySet:
        """`model`'s rows the user sees that belong to this BLKK.

        That is every row this BLKK reaches: `blkk_page` made this only for a BLKK
        among those the user opens as staff, and a staff member's `visible_to` is
        what their BLKKs reach, this one included (tests/test_portal_pages.py checks
        the two agree for every declared model). Asking for both made PostgreSQL
        build a province's whole scope for one BLKK's list (docs/benchmarks.md).
        """
        return model.objects.filter(self._reached_here(model))

    def writable_rows(self, model) -> QuerySet:
        """`model`'s rows of this BLKK the user may change (none when read-only)."""
        if not self.writable:
            return model.objects.none()
        queryset = model.objects.writable_by(self.user)
        return queryset.filter(self._reached_here(model))

    def ensure_writable(self) -> None:
        if not self.writable:
            raise PermissionDenied(READ_ONLY)

    def ensure_may(self, *permissions: str) -> None:
        """403 unless the user writes this BLKK's records and their role holds
        `permissions` (the access declarations in each app's managers.py)."""
        self.ensure_writable()
        if not self.user.has_perms(permissions):
            raise PermissionDenied(NOT_YOUR_ROLE)

    def _reached_here(self, model) -> Q:
        here = Blkk.objects.filter(pk=self.blkk.pk).values("pk")
        return model.objects.all().reached_by_blkks(here)

    @cached_property
    def sections(self) -> list[dict]:
        current = getattr(self.request.resolver_match, "url_name", None)
        return [
            {
                "label": section.label,
                "url": reverse(section.url_name, args=[self.blkk.code]),
                "current": section.url_name == current,
            }
            for section in blkk_sections()
        ]


def audit_whole_niks(request: HttpRequest, people, *, one: bool = False) -> None:
    """Log the whole NIKs a page just showed to anyone but the people's registering
    BLKK's managers (`services.trainee_views_record`); `one`: a person's own page."""
    trainee_views_record(
        user=request.user, trainees=people, query=request.get_full_path(), one=one
    )


def blkk_page(view: Callable) -> Callable:
    """A page of one BLKK (`code` in the path): 404 unless the user opens that BLKK.

    The view gets `here` (a `BlkkHere`) in place of `code`.
    """

    @login_required
    @wraps(view)
    def page(request: HttpRequest, code: str, *args, **kwargs) -> HttpResponse:
        blkk = blkks_opened_by(request.user).filter(code=code).first()
        if blkk is None:
            raise Http404(_("No BLKK found."))
        here = BlkkHere(request=request, blkk=blkk, writable=_manages(request, blkk))
        return view(request, here, *args, **kwargs)

    return page


def _manages(request: HttpRequest, blkk: Blkk) -> bool:
    user = request.user
    return user.role == Role.BLKK_MANAGER and blkk.pk in managed_blkk_ids(user)


@require_GET
@roles_required(*STAFF_ROLES)
def blkk_list(request: HttpRequest) -> HttpResponse:
    """The BLKKs the user may open, to pick one: by name or code, by province."""
    rows = blkks_opened_by(request.user).select_related("regency__province")
    search = request.GET.get("q", "").strip()[:100]
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(code__iexact=search))
    province = request.GET.get("province", "")
    if province:
        rows = rows.filter(regency__province_id=province)
    page = paginate(request, rows.order_by("name", "pk"))
    provinces = Province.objects.filter(
        pk__in=blkks_opened_by(request.user).values("regency__province_id")
    ).order_by("name")
    context = {
        "page": page,
        "query": query_without_page(request),
        "search": search,
        "province": province,
        "provinces": provinces,
    }
    return render(request, "training/blkk_list.html", context)
