"""What the layout needs on every page: the signed-in user's places in the portal."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import scope_of


@dataclass(frozen=True)
class Places:
    """Where the top menu leads: the mentor's pages and the BLKKs a manager runs."""

    mentors: bool
    managed_blkks: list


def _places(request: HttpRequest) -> Places:
    user = request.user
    if not user.is_authenticated:
        return Places(mentors=False, managed_blkks=[])
    managed: list = []
    if user.role == Role.BLKK_MANAGER:
        blkk_model = apps.get_model(settings.BLKK_MODEL)
        managed = list(
            blkk_model.objects.filter(managers=user)
            .order_by("name")
            .only("code", "name")
        )
    return Places(mentors=scope_of(user).mentor_id is not None, managed_blkks=managed)


def portal(request: HttpRequest) -> dict:
    # Lazy: a page that does not draw the menu (an API error, a file) asks nothing.
    return {"places": SimpleLazyObject(lambda: _places(request))}
