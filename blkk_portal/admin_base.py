"""The admin's side of the one door: every model admin of the portal starts here.

`ScopedAdmin` reads through `visible_to(request.user)` and offers, in every foreign
key and many-to-many widget, only the objects the user may see, so a BLKK manager
in the admin neither sees nor can pick another BLKK's records.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from blkk_portal.access import requires_access
from blkk_portal.scoping import ScopedQuerySet


def _scoped_choices(model, request):
    queryset = model._default_manager.all()
    if isinstance(queryset, ScopedQuerySet):
        return queryset.visible_to(request.user)
    return None


class ScopedMixin:
    """Rows and widget choices through `visible_to`, for model admins and inlines."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if isinstance(queryset, ScopedQuerySet):
            return queryset.visible_to(request.user)
        if requires_access(self.model):
            # Refuse rather than show every BLKK's rows (check blkk_portal.E001).
            raise ImproperlyConfigured(f"{self.model._meta.label} is not scoped.")
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = _scoped_choices(db_field.remote_field.model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choices = _scoped_choices(db_field.remote_field.model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(ScopedMixin, admin.ModelAdmin):
    # Large tables: skip the unfiltered COUNT(*) the changelist would run each time.
    show_full_result_count = False
    list_per_page = 50


class ScopedHistoryAdmin(SimpleHistoryAdmin, ScopedAdmin):
    """A scoped admin for models whose changes are kept (django-simple-history).

    django-simple-history falls back to the history of an object that the scoped
    queryset does not return (to show deleted objects); outside ministry staff that
    would leak other BLKKs' records, so their history pages answer 404 instead.
    """

    def _ensure_in_scope(self, request, object_id) -> None:
        if request.user.sees_everything:
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedInline(ScopedMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


class ReadOnlyInline(ScopedInline):
    """A list of related rows, edited on their own page (their rules need a service)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ServiceCheckedForm:
    """Mixin for admin forms whose model has a rule that needs a locked read.

    After the model's own validation, `service_check(instance)` runs (for example
    the capacity check, which locks the batch until the admin's transaction ends)
    and its ValidationError is shown on the form like any other.
    """

    def service_check(self, instance) -> None:
        raise NotImplementedError

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            self.service_check(self.instance)
        except ValidationError as error:
            self._update_errors(error)
