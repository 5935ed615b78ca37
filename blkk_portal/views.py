"""Portal pages that belong to no single app: the landing page and a health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's scope at a glance, with links to where they work."""
    context = {"counts": selectors.scope_counts(user=request.user)}
    return render(request, "home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and docker compose: answers when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
