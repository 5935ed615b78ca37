"""System checks that keep every door scoped (`manage.py check`, and so the tests).

- `blkk_portal.E001`: a model that belongs to a BLKK has no scoped queryset with an
  access declaration, or its declaration contradicts its queryset (a role said to
  read or write rows that the queryset never gives it).
- `blkk_portal.E002`: such a model's admin (or an inline of it) is not scoped.
- `blkk_portal.E003`: an API view overrides `get_queryset` (the one escape hatch is
  `dangerously_get_queryset`, loud in review), or serves such a model without the
  scoped base.

Modelled on `django/contrib/auth/checks.py`; the escape hatch on PostHog's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.core import checks
from django.urls import URLPattern, URLResolver, get_resolver

from blkk_portal.access import access_of, requires_access
from blkk_portal.accounts.models import Role
from blkk_portal.admin_site import is_scoped_admin
from blkk_portal.scoping import ScopedQuerySet

ESCAPE_HATCH = "dangerously_get_queryset"


def _overrides(queryset_class: type, method: str) -> bool:
    return getattr(queryset_class, method) is not getattr(ScopedQuerySet, method)


def _declaration_errors(model) -> Iterator[checks.CheckMessage]:
    label = model._meta.label
    queryset_class = type(model._default_manager.get_queryset())
    access = access_of(model)
    if not issubclass(queryset_class, ScopedQuerySet) or access is None:
        yield checks.Error(
            f"{label} belongs to a BLKK but has no scoped queryset declaring its "
            "access.",
            hint="Give it `objects = XQuerySet.as_manager()` where XQuerySet "
            "subclasses blkk_portal.scoping.ScopedQuerySet and sets `access`.",
            obj=model,
            id="blkk_portal.E001",
        )
        return
    if access.reference or _overrides(queryset_class, "visible_to"):
        return
    staff_read = access.read & {Role.PROVINCE, Role.BLKK_MANAGER}
    contradictions = []
    if staff_read and not _overrides(queryset_class, "reached_by_blkks"):
        contradictions.append("staff read it, but reached_by_blkks is not defined")
    if Role.MENTOR in access.read and not _overrides(
        queryset_class, "reached_by_mentor"
    ):
        contradictions.append("mentors read it, but reached_by_mentor is not defined")
    if access.write.get(Role.MENTOR) and not _overrides(
        queryset_class, "written_by_mentor"
    ):
        contradictions.append("mentors write it, but written_by_mentor is not defined")
    if access.write.get(Role.PROVINCE):
        contradictions.append("provincial staff write nothing")
    for role, actions in access.write.items():
        if actions and role not in access.read:
            contradictions.append(f"{role} writes rows it cannot read")
    for contradiction in contradictions:
        yield checks.Error(
            f"{label}'s access declaration contradicts its queryset: {contradiction}.",
            obj=queryset_class,
            id="blkk_portal.E001",
        )


@checks.register(checks.Tags.models)
def check_model_access(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    models = (
        [model for config in app_configs for model in config.get_models()]
        if app_configs
        else apps.get_models()
    )
    errors: list[checks.CheckMessage] = []
    for model in models:
        if requires_access(model):
            errors.extend(_declaration_errors(model))
    return errors


def _admin_error(model, admin_class, what: str) -> checks.CheckMessage:
    return checks.Error(
        f"The {what} {admin_class.__qualname__} of {model._meta.label} does not "
        "scope it: it would show every BLKK's rows.",
        hint="Subclass blkk_portal.admin_base.ScopedAdmin (or ScopedInline).",
        obj=admin_class,
        id="blkk_portal.E002",
    )


def admin_errors(site: Any = None) -> list[checks.CheckMessage]:
    """E002 for `site` (the portal's admin site unless given)."""
    site = site or admin.site
    errors = [
        _admin_error(model, admin_class, "admin")
        for model, admin_class in getattr(site, "refused", {}).items()
    ]
    for model, model_admin in site._registry.items():
        if requires_access(model) and not is_scoped_admin(type(model_admin)):
            errors.append(_admin_error(model, type(model_admin), "admin"))
        for inline in model_admin.inlines:
            if requires_access(inline.model) and not is_scoped_admin(inline):
                errors.append(_admin_error(inline.model, inline, "inline"))
    return errors


@checks.register(checks.Tags.admin)
def check_admin_scoping(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return admin_errors()


def _view_classes(patterns: Iterable) -> Iterator[type]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _view_classes(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "cls", None)
            if isinstance(view_class, type):
                yield view_class


def _quiet_override(view_class: type) -> type | None:
    """The class that overrides `get_queryset` below the scoped base, if any."""
    from blkk_portal.api.viewsets import ScopedAccess

    for klass in view_class.__mro__:
        if klass is ScopedAccess or klass.__module__.startswith("rest_framework"):
            return None
        if "get_queryset" in vars(klass):
            return klass
    return None


def view_errors(urlconf: str | None = None) -> list[checks.CheckMessage]:
    """E003 for the API views reachable from `urlconf` (the project's by default)."""
    from blkk_portal.api.viewsets import ScopedAccess

    errors: list[checks.CheckMessage] = []
    seen: set[type] = set()
    for view_class in _view_classes(get_resolver(urlconf).url_patterns):
        if view_class in seen:
            continue
        seen.add(view_class)
        queryset = getattr(view_class, "queryset", None)
        model = getattr(queryset, "model", None)
        if model is None or not requires_access(model):
            continue
        if not issubclass(view_class, ScopedAccess):
            errors.append(
                checks.Error(
                    f"{view_class.__qualname__} serves {model._meta.label} without "
                    "the scoped base.",
                    hint="Subclass blkk_portal.api.viewsets.ScopedViewSet.",
                    obj=view_class,
                    id="blkk_portal.E003",
                )
            )
            continue
        overriding = _quiet_override(view_class)
        if overriding is not None:
            errors.append(
                checks.Error(
                    f"{overriding.__qualname__} overrides get_queryset, reading "
                    f"{model._meta.label} around visible_to.",
                    hint="Narrow the scoped rows in `refine_queryset(queryset)`, or, "
                    f"if the rows really are everyone's, name it `{ESCAPE_HATCH}`.",
                    obj=overriding,
                    id="blkk_portal.E003",
                )
            )
    return errors


@checks.register(checks.Tags.urls)
def check_view_scoping(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return view_errors()
