"""What every portal page shares: who may open it, how a form meets a service, lists.

A page is a small view (STYLE.md, "Portal pages"): it checks input with a form, calls
the same service as the API and the admin, and renders. The service's
`ValidationError` lands on the form, on the field it names (the API's field names),
so a page and the API refuse the same thing with the same words; a refused write
leaves nothing behind (`save_through_service` runs it in a savepoint).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from blkk_portal.accounts.models import Role

from .form_resume import resumed_form_data
from .numbers import is_ascii_digits

T = TypeVar("T")
PAGE_SIZE = 25
NOT_YOUR_ROLE = _("This page is not for your role.")
# A refused write: the form shows why; nothing was stored.
REFUSED = object()


def roles_required(*roles: Role) -> Callable:
    """Signed in (else to the sign-in page) and of one of `roles` (else 403)."""

    def decorate(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs):
            user = request.user
            if getattr(user, "role", "") not in roles and not user.is_superuser:
                raise PermissionDenied(NOT_YOUR_ROLE)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def place_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's `ValidationError` on `form`: each message on the field it
    names when the form shows that field, else at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        if target is not None and target not in form.cleaned_data:
            # The field already failed its own check; keep that message alone.
            continue
        form.add_error(target, errors)


def save_through_service(form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Run `call` (a service) in a savepoint; on `ValidationError` roll it back,
    show the messages on `form` and return None."""
    try:
        with transaction.atomic():
            return call()
    except ValidationError as error:
        place_errors(form, error)
        return None


def form_data(request: HttpRequest) -> QueryDict | None:
    """What a page's form is bound to: the POST, or on GET what a form posted after
    the session expired kept for this page (`form_resume`), else nothing."""
    if request.method == "POST":
        return request.POST
    return resumed_form_data(request)


def see_other(url: str) -> HttpResponseRedirect:
    """303 See Other: after a POST, the browser GETs the next page."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def row_named(rows, raw: str | None):
    """The row of `rows` whose id is `raw` (text from a query string or a form);
    None when `raw` is empty. Anything but ASCII digits, or an id outside `rows`
    (someone else's, or nobody's), is 404, the same answer."""
    if not raw:
        return None
    if not is_ascii_digits(raw) or len(raw) > 18:
        raise Http404
    return get_object_or_404(rows, pk=int(raw))


def paginate(request: HttpRequest, rows, per_page: int = PAGE_SIZE) -> Page:
    """The page of `rows` asked for by `?page=N` (ASCII digits; anything else, or a
    page past the end, gives the nearest page rather than an error)."""
    raw = request.GET.get("page", "1")
    number = int(raw) if is_ascii_digits(raw) and len(raw) < 9 else 1
    return Paginator(rows, per_page).get_page(number)


def query_without_page(request: HttpRequest) -> str:
    """The list's query string without `page`, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@dataclass(frozen=True)
class Section:
    """A link in the menu of a BLKK's pages (`templates/portal/blkk_base.html`)."""

    label: str
    url_name: str
    order: int


_BLKK_SECTIONS: dict[str, Section] = {}


def blkk_section(label, url_name: str, order: int) -> None:
    """Add a section to the menu of a BLKK's pages; each app names its own."""
    _BLKK_SECTIONS[url_name] = Section(label=label, url_name=url_name, order=order)


def blkk_sections() -> Iterable[Section]:
    return sorted(_BLKK_SECTIONS.values(), key=lambda section: section.order)
