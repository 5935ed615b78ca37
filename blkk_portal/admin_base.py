"""The admin's side of the one door: every model admin of the portal starts here.

`ScopedAdmin` reads through `visible_to(request.user)` and offers, in every foreign
key and many-to-many widget, only the objects the user may see, so a BLKK manager
in the admin neither sees nor can pick another BLKK's records.

It also writes through the model's services (`services = ModelServices(...)` on the
admin class), like the API: the form's validation runs the service in a savepoint
that is rolled back, so whatever the service refuses shows on the form; saving then
calls it for real, and deleting (one row or a selection) calls the delete service.

An add or change form posted after the session expired is shown again, filled in
with what was posted, once the user has signed in again (`blkk_portal.form_resume`);
it is saved only when they submit it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ImproperlyConfigured,
    ValidationError,
)
from django.db import models, transaction
from django.http import Http404, QueryDict
from simple_history.admin import SimpleHistoryAdmin

from blkk_portal import forms as portal_forms
from blkk_portal.access import requires_access
from blkk_portal.admin_lists import EstimatedCountPaginator
from blkk_portal.form_resume import resumed_form_data
from blkk_portal.numbers import is_ascii_digits
from blkk_portal.scoping import ScopedQuerySet
from blkk_portal.services import ModelServices

if TYPE_CHECKING:
    # What the mixins below are mixed into, so that mypy knows what `super()` has.
    _AdminOrInlineBase = admin.options.BaseModelAdmin
    _AdminBase = admin.ModelAdmin

    class _ModelFormBase(forms.ModelForm):
        # Django's model forms have these two hooks; django-stubs leave them out
        # because they are private.
        def _post_clean(self) -> None: ...
        def _update_errors(self, errors: ValidationError) -> None: ...

else:
    _AdminOrInlineBase = _AdminBase = _ModelFormBase = object


def _scoped_choices(model, request):
    queryset = model._default_manager.all()
    if isinstance(queryset, ScopedQuerySet):
        return queryset.visible_to(request.user)
    return None


def _may_be_object_id(model, object_id: str) -> bool:
    """False for an id in a URL that is not ASCII digits (Django would read "\u0661"
    as 1): such a page is "not found", like an unknown id."""
    return not isinstance(model._meta.pk, models.IntegerField) or is_ascii_digits(
        object_id
    )


class ScopedMixin(_AdminOrInlineBase):
    """Rows and widget choices through `visible_to`, for model admins and inlines.

    Integers and related ids are read from ASCII digits only (`blkk_portal.forms`).
    """

    formfield_overrides = {
        models.IntegerField: {"form_class": portal_forms.IntegerField},
        # Listed too: Django's admin has its own entry for it, found first.
        models.BigIntegerField: {"form_class": portal_forms.IntegerField},
    }

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
        kwargs.setdefault("form_class", portal_forms.ModelChoiceField)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._labelled(field, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choices = _scoped_choices(db_field.remote_field.model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._labelled(field, db_field, request)

    def _labelled(self, field, db_field, request):
        """Choices labelled as the related model's admin labels them
        (`choice_label`), as its autocomplete results are."""
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        label = getattr(related_admin, "choice_label", None)
        if field is not None and label is not None:
            # What the labels read (a flag per row), fetched with the choices.
            choices = getattr(related_admin, "choice_queryset")  # noqa: B009
            field.queryset = choices(request, field.queryset)
            field.label_from_instance = partial(label, request)
        return field


class _DryRun(Exception):
    """Rolls back a service call made only to validate a form."""


class ServiceForm(_ModelFormBase):
    """Mixin for admin model forms whose writes go through a model's services.

    After the form's own validation, the service is called inside a savepoint that
    is always rolled back: its ValidationError shows on the form (on the field it
    names, or at the top for a field the form does not show), never as a 500. The
    call is kept in `service_call` for `save_model` to make for real. A value posted
    for a fixed or guarded field that the form shows read-only goes to the service
    too, which refuses it with its own message.
    """

    services: ModelServices
    acting_user = None
    stored_rows: models.QuerySet

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the database holds now (the instance itself is changed by the form's
        # validation, and the history view hands in an old version).
        self.stored = (
            self.stored_rows.get(pk=self.instance.pk)
            if self.instance.pk is not None and not self.instance._state.adding
            else None
        )
        self.service_call: Callable[[], models.Model] | None = None

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        call = self._build_service_call()
        try:
            with transaction.atomic():
                call()
                raise _DryRun
        except _DryRun:
            self.service_call = call
        except ValidationError as error:
            self._update_errors(self._onto_form(error))

    def _build_service_call(self) -> Callable[[], models.Model]:
        opts = self._meta.model._meta
        names = {f.name for f in [*opts.concrete_fields, *opts.many_to_many]}
        values = {
            name: value for name, value in self.cleaned_data.items() if name in names
        }
        if self.stored is None:
            return lambda: self.services.call_create(fields=values, by=self.acting_user)
        values.update(self._posted_guarded_values())
        stored = self.stored
        return lambda: self.services.call_update(
            copy.copy(stored), changes=values, by=self.acting_user
        )

    def _posted_guarded_values(self) -> dict:
        """Values posted for guarded fields the form does not offer (read-only)."""
        opts = self._meta.model._meta
        posted = {}
        for name in (*self.services.fixed, *self.services.guarded):
            if name in self.fields or name not in self.data:
                continue
            field = opts.get_field(name)
            # The admin posts a QueryDict; the stubs allow any mapping as form data.
            data = cast(QueryDict, self.data)
            raw = data.getlist(name) if field.many_to_many else data[name]
            try:
                posted[name] = field.formfield().clean(raw)
            except ValidationError:
                # Not even a valid value: still a change, which the service refuses.
                posted[name] = raw
        return posted

    def _onto_form(self, error: ValidationError) -> ValidationError:
        if not hasattr(error, "error_dict"):
            return error
        placed: dict[str, list] = {}
        for name, errors in error.error_dict.items():
            key = name if name in self.fields else NON_FIELD_ERRORS
            placed.setdefault(key, []).extend(errors)
        return ValidationError(placed)


def _adopt(obj: models.Model, saved: models.Model) -> None:
    """Give the admin's `obj` the state of the row the service stored."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ServiceAdminMixin(_AdminBase):
    """Saves and deletes through `services`; leave it None for read-only models."""

    services: ModelServices | None = None

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.services is not None and obj is not None:
            # Fixed once created: shown, not offered (the service refuses them too).
            fixed = self.services.fixed
            readonly += [name for name in fixed if name not in readonly]
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if self.services is None:
            return form
        attrs = {
            "services": self.services,
            "acting_user": request.user,
            "stored_rows": self.get_queryset(request),
            "__module__": form.__module__,
        }
        return type(form.__name__, (ServiceForm, form), attrs)

    def save_model(self, request, obj, form, change):
        if self.services is None:
            return super().save_model(request, obj, form, change)
        _adopt(obj, form.service_call())
        return None

    def save_related(self, request, form, formsets, change):
        if self.services is None:
            return super().save_related(request, form, formsets, change)
        # The service set the many-to-many fields; inlines are saved as usual.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        return None

    def delete_model(self, request, obj):
        if self.services is None:
            return super().delete_model(request, obj)
        self.services.call_delete(obj, by=request.user)
        return None

    def delete_queryset(self, request, queryset):
        if self.services is None:
            return super().delete_queryset(request, queryset)
        with transaction.atomic():
            for obj in queryset:
                self.services.call_delete(obj, by=request.user)
        return None


class ResumedFormMixin(_AdminBase):
    """Shows the add or change form bound to the fields kept when it was posted
    after the session had expired (`resumed_form_data`), without saving them."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        data = resumed_form_data(request)
        if data is None:
            return form

        def bound_to_kept_data(self, *args, **kwargs):
            if not args and kwargs.get("data") is None:
                kwargs["data"] = data.copy()
            form.__init__(self, *args, **kwargs)

        attrs = {"__init__": bound_to_kept_data, "__module__": form.__module__}
        return type(form.__name__, (form,), attrs)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        data = resumed_form_data(request)
        if data is not None and "data" not in kwargs:
            kwargs["data"] = data.copy()
        return kwargs


class ScopedAdmin(ResumedFormMixin, ServiceAdminMixin, ScopedMixin, admin.ModelAdmin):
    """Reads through `visible_to`; changes and deletes a row only when it is also
    among `writable_by(user)` (a person's record that another BLKK keeps is shown
    read-only, as the API answers 403 for it)."""

    # Large tables (blkk_portal.admin_lists): skip the unfiltered COUNT(*) the
    # changelist would run each time, estimate the count of a whole large table,
    # and never count every filter choice over the list ("Show counts").
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50

    def get_object(self, request, object_id, from_field=None):
        if from_field is None and not _may_be_object_id(self.model, object_id):
            return None
        return super().get_object(request, object_id, from_field)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._writable(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._writable(
            request, obj
        )

    def _writable(self, request, obj) -> bool:
        rows = self.model._default_manager.all()
        if obj is None or obj.pk is None or not isinstance(rows, ScopedQuerySet):
            return True
        # Asked several times per page: once per request and row.
        answers = request.__dict__.setdefault("_portal_writable", {})
        key = (self.model._meta.label, obj.pk)
        if key not in answers:
            answers[key] = rows.writable_by(request.user).filter(pk=obj.pk).exists()
        return answers[key]


class ScopedHistoryAdmin(SimpleHistoryAdmin, ScopedAdmin):
    """A scoped admin for models whose changes are kept (django-simple-history).

    django-simple-history falls back to the history of an object that the scoped
    queryset does not return (to show deleted objects); outside ministry staff that
    would leak other BLKKs' records, so their history pages answer 404 instead.
    """

    def _ensure_in_scope(self, request, object_id) -> None:
        if not _may_be_object_id(self.model, unquote(object_id)):
            raise Http404
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


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted through the admin (reference data,
    an audit trail, rows edited on their own page)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, ScopedInline):
    """A list of related rows, edited on their own page (their rules need a service)."""
