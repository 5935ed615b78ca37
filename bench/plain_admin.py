"""The admin baseline: a plain Django `AdminSite` listing the same columns as the
portal's admin for the largest tables, with nothing of the portal's (no scoping, list
filters, search, date hierarchy or custom paginator). The portal's changelists are
measured beside these."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.sites import site as portal_site

from incubator.models import Venture, VentureMetric
from mentoring.models import MentoringSession
from training.models import Blkk, Certification, Enrollment, GraduateOutcome, Trainee

MEASURED = (
    Blkk,
    Trainee,
    Enrollment,
    Certification,
    GraduateOutcome,
    Venture,
    VentureMetric,
    MentoringSession,
)


class PlainAdminSite(admin.AdminSite):
    site_header = "Plain admin (benchmark baseline)"

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser


def _model_columns(model) -> tuple[str, ...]:
    """The portal admin's columns that are the model's own fields (a plain admin has
    no display methods)."""
    names = {field.name for field in model._meta.get_fields()}
    columns = tuple(
        column
        for column in portal_site._registry[model].list_display
        if isinstance(column, str) and column in names
    )
    return columns or ("__str__",)


plain_site = PlainAdminSite(name="plain_admin")
for _model in MEASURED:
    plain_site.register(
        _model,
        type(
            f"Plain{_model.__name__}Admin",
            (admin.ModelAdmin,),
            {"list_display": _model_columns(_model)},
        ),
    )
