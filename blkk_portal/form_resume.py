"""A form posted after the session expired comes back filled in after signing in.

When an anonymous POST (the session ended while the form was open) is answered with
a redirect to sign in, `FormResumeMiddleware` keeps the posted fields in the new
session, keyed by the page's path. After signing in, the sign-in page sends the user
back to that path; its GET asks `resumed_form_data(request)` and binds the form to
what was kept, so the user sees their input (and its errors) and submits again:
nothing is saved on their behalf.

Kept: every posted field except the CSRF token and passwords; never files; at most
`MAX_KEPT_BYTES` of them and the last `MAX_KEPT_FORMS` pages. They live in the
anonymous session, so they go with it when it expires (SESSION_IDLE_MINUTES).

Only the user who was signed in gets them back: a signed cookie (`OWNER_COOKIE`,
set while they are signed in) names them, the kept fields record that name, and
someone else signing in on the same computer is not shown them. Without that cookie
nothing is kept.

The admin's add and change forms use it (`blkk_portal.admin_base`); a portal page
that requires sign-in calls `resumed_form_data(request)` on GET the same way.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

KEPT_FORMS = "_portal_kept_forms"
MAX_KEPT_BYTES = 64 * 1024
MAX_KEPT_FORMS = 3
NEVER_KEPT = frozenset({"csrfmiddlewaretoken"})
OWNER_COOKIE = "portal_form_owner"
OWNER_SALT = "blkk_portal.form_resume.owner"


def resumed_form_data(request: HttpRequest) -> QueryDict | None:
    """The fields kept for this page's path, once, on a signed-in GET; else None.

    Bind the page's form to them (`Form(data=...)`) instead of showing it empty or
    as stored. The same request may ask again; the next request gets None.
    """
    if not hasattr(request, "_resumed_form_data"):
        request._resumed_form_data = _take_kept_form(request)  # type: ignore[attr-defined]
    return request._resumed_form_data  # type: ignore[attr-defined]


def _take_kept_form(request: HttpRequest) -> QueryDict | None:
    if request.method != "GET" or not request.user.is_authenticated:
        return None
    kept = request.session.get(KEPT_FORMS)
    if not kept or request.path not in kept:
        return None
    entry = kept.pop(request.path)
    request.session[KEPT_FORMS] = kept
    if entry["owner"] != str(request.user.pk):
        return None
    data = QueryDict(mutable=True)
    for name, values in entry["fields"].items():
        data.setlist(name, values)
    data._mutable = False
    return data


def _keepable_fields(posted: QueryDict) -> dict[str, list[str]]:
    return {
        name: values
        for name, values in posted.lists()
        if name not in NEVER_KEPT and "password" not in name.lower()
    }


def _owner(request: HttpRequest) -> str | None:
    """Who was signed in on this browser, from the signed cookie."""
    return request.get_signed_cookie(OWNER_COOKIE, default=None, salt=OWNER_SALT)


def keep_posted_form(request: HttpRequest) -> bool:
    """Keeps the request's posted fields for its path and the user who was signed
    in; False (nothing kept) when that user is unknown or the fields too large."""
    owner = _owner(request)
    fields = _keepable_fields(request.POST)
    if owner is None or not fields or len(json.dumps(fields)) > MAX_KEPT_BYTES:
        return False
    kept = {
        path: entry
        for path, entry in (request.session.get(KEPT_FORMS) or {}).items()
        if path != request.path
    }
    kept[request.path] = {"owner": owner, "fields": fields}
    request.session[KEPT_FORMS] = dict(list(kept.items())[-MAX_KEPT_FORMS:])
    return True


def _sign_in_paths() -> set[str]:
    paths = {resolve_url(settings.LOGIN_URL)}
    with contextlib.suppress(NoReverseMatch):  # a URL conf without the admin
        paths.add(reverse("admin:login"))
    return paths


def sends_to_sign_in(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the response sends the user to sign in and back to this page."""
    if response.status_code != 302 or "Location" not in response:
        return False
    target = urlsplit(response["Location"])
    back_to = parse_qs(target.query).get("next", [""])[0]
    return target.path in _sign_in_paths() and urlsplit(back_to).path == request.path


def _mark_owner(request: HttpRequest, response: HttpResponse) -> None:
    """Names the signed-in user in the signed cookie, if it does not already."""
    if SESSION_KEY not in request.session or not request.user.is_authenticated:
        return
    owner = str(request.user.pk)
    if _owner(request) != owner:
        response.set_signed_cookie(
            OWNER_COOKIE,
            owner,
            salt=OWNER_SALT,
            max_age=settings.SESSION_MAX_HOURS * 60 * 60,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


class FormResumeMiddleware:
    """Keeps an anonymous POST that a page answers with "sign in first"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        _mark_owner(request, response)
        if (
            request.method == "POST"
            and not request.user.is_authenticated
            and sends_to_sign_in(request, response)
            and keep_posted_form(request)
        ):
            messages.info(
                request,
                _(
                    "Your session has ended. Sign in again: what you entered is kept "
                    "and shown again, not yet saved."
                ),
            )
        return response
