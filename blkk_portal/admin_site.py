"""The portal's admin site: it refuses to serve a model that belongs to a BLKK through
an admin class that does not scope it.

Forgetting the scoped base (`blkk_portal.admin_base.ScopedAdmin`) would otherwise show
every BLKK's rows to everyone who can open the admin, and nothing would notice. Such a
registration is kept out of the site (its pages do not exist) and reported by the
system check `blkk_portal.E002`, which fails `manage.py check` and the test suite.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

from blkk_portal.access import requires_access


def is_scoped_admin(admin_class) -> bool:
    from blkk_portal.admin_base import ScopedMixin

    return isinstance(admin_class, type) and issubclass(admin_class, ScopedMixin)


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results labelled by the model admin's `choice_label(request,
    obj)` when it has one: a person is shown with their birth date and NIK as the
    user may see it, so two people of the same name can be told apart."""

    def serialize_result(self, obj, to_field_name):
        # Django's hook since 3.2; django-stubs does not declare it.
        result = super().serialize_result(obj, to_field_name)  # type: ignore[misc]
        label = getattr(self.model_admin, "choice_label", None)
        if label is not None:
            result["text"] = label(self.request, obj)
        return result


class PortalAdminSite(admin.AdminSite):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # model -> the admin class that was refused, for the system check to name.
        self.refused: dict = {}

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        models = (
            [model_or_iterable]
            if isinstance(model_or_iterable, type)
            else list(model_or_iterable)
        )
        kept = []
        for model in models:
            if requires_access(model) and not is_scoped_admin(
                admin_class or admin.ModelAdmin
            ):
                self.refused[model] = admin_class or admin.ModelAdmin
            else:
                kept.append(model)
        if kept:
            super().register(kept, admin_class, **options)
