"""What the portal answers when a request fails: its error pages and their JSON.

Pages answer the portal's own pages in the request's language (Bahasa Indonesia
unless the user chose English): 403 (and `403_csrf.html` for a form whose CSRF token
was refused), 404, 429 (a locked sign-in: `accounts.lockout`), 500 and 503. The 403,
404 and CSRF pages are the portal's layout (`base.html`, which reads the session and
the user); 500 and 503 use `error_minimal.html`, which needs no request, no
context processors and no database. Every one keeps the strict CSP: no inline
script or style. The API (`/api/`) answers `{"detail": ...}` in JSON instead.

A database that cannot be reached (restarting, failing over, a cut network) is not
a fault of the request: it is answered 503 with Retry-After, so that clients,
integrations and load balancers try again shortly, instead of a 500 that says the
request broke something. Django still logs it with its traceback. Anything else is
a 500.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

# Raised by the database driver when it cannot connect, loses its connection or
# gets an answer that says "try again" (a restart in progress, a cancelled query).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's `handler403`."""
    if _is_api(request):
        return JsonResponse(
            {"detail": _("You do not have permission to perform this action.")},
            status=403,
        )
    return defaults.permission_denied(request, exception)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's `handler404`."""
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form whose CSRF token was refused, most often
    one left open until its session expired, or sent with cookies blocked. The
    page renders with the request (Django's own view renders without it), so it
    carries the layout and a fresh token for trying again. The reason stays in the
    log (Django's `django.security.csrf` warning)."""
    if _is_api(request):
        return JsonResponse(
            {"detail": _("The form's security token was refused. Reload the page.")},
            status=403,
        )
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's `handler500`: called while the uncaught exception is handled."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if _is_api(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return defaults.server_error(request)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 without touching the database: no session, no user, no context
    processors."""
    message = _("The portal cannot reach its database just now. Try again shortly.")
    response: HttpResponse
    if _is_api(request):
        response = JsonResponse({"detail": message}, status=503)
    else:
        page = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
