"""What the portal answers when a request fails on the server's side.

A database that cannot be reached (restarting, failing over, a cut network) is not
a fault of the request: it is answered 503 with Retry-After, so that clients,
integrations and load balancers try again shortly, instead of a 500 that says the
request broke something. Django still logs it with its traceback. Anything else is
Django's own 500.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

# Raised by the database driver when it cannot connect, loses its connection or
# gets an answer that says "try again" (a restart in progress, a cancelled query).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
API_PREFIX = "/api/"


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's `handler500`: called while the uncaught exception is handled."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return defaults.server_error(request)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 without touching the database: no session, no user, no context
    processors."""
    message = _("The portal cannot reach its database just now. Try again shortly.")
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": message}, status=503)
    else:
        page = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
