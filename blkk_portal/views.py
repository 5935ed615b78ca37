"""Portal pages that belong to no app: the health check."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .celery import broker_state

logger = logging.getLogger(__name__)


# Outside the request's transaction: opening one needs the database, and a database
# that does not answer is this view's 503, not a 500 before it runs.
@transaction.non_atomic_requests
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and docker compose: 200 while the database answers,
    503 when it does not. The broker's state is reported, never fails the check
    (a broker outage must not take the web tier out of the load balancer), and is
    given HEALTHZ_BROKER_TIMEOUT seconds at most."""
    database = "up" if _database_answers() else "down"
    broker = broker_state(timeout=settings.HEALTHZ_BROKER_TIMEOUT)
    healthy = database == "up"
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "database": database,
            "broker": broker,
        },
        status=200 if healthy else 503,
    )


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("health check: the database does not answer: %r", error)
        return False
    return True
