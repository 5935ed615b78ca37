"""Portal pages of the reports app: the signed-in user's home."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's scope at a glance, with links to where they work."""
    context = {"counts": selectors.scope_counts(user=request.user)}
    return render(request, "reports/home.html", context)
