"""The shared half of every app's services: one way to validate and store a row.

Each app's `services.py` declares its writes (`venture_create(*, cohort, name, ...,
by)`) and the rules that are its own; the plumbing they all repeat lives here:
`full_clean()` then `save()` (`update_fields` on updates), many-to-many fields set
after the row exists, and fields that are fixed once the row is created refused
field by field. `ModelServices` names a model's create, update and delete so that
the admin and the API call them without knowing each one's keyword names.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=models.Model)
Check = Callable[[Any], None]


def _many_to_many_names(model: type[models.Model]) -> set[str]:
    return {field.name for field in model._meta.many_to_many}


def _split(model: type[models.Model], values: Mapping[str, Any]) -> tuple[dict, dict]:
    many = _many_to_many_names(model)
    concrete = {name: value for name, value in values.items() if name not in many}
    return concrete, {name: value for name, value in values.items() if name in many}


def model_create(
    model: type[M], *, fields: Mapping[str, Any], check: Check | None = None
) -> M:
    """Build `model` from `fields`, validate it, run `check` (a rule that needs the
    validated row, such as a capacity under a lock), save it, then set its
    many-to-many fields. Call inside the service's transaction."""
    concrete, many = _split(model, fields)
    instance = model(**concrete)
    instance.full_clean()
    if check is not None:
        check(instance)
    instance.save()
    for name, values in many.items():
        getattr(instance, name).set(values)
    return instance


def changed_fields(instance: models.Model, changes: Mapping[str, Any]) -> dict:
    """The entries of `changes` whose value differs from what `instance` holds."""
    many = _many_to_many_names(type(instance))
    known = {field.name for field in instance._meta.get_fields() if field.concrete}
    known |= many
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no field {sorted(unknown)}")
    return {
        name: value
        for name, value in changes.items()
        if _current(instance, name, many) != _comparable(value, name in many)
    }


def _current(instance: models.Model, name: str, many: set[str]):
    if name in many:
        if instance.pk is None:
            return set()
        return set(getattr(instance, name).all())
    field = instance._meta.get_field(name)
    # `changed_fields` let through only concrete fields here, never reverse relations.
    if isinstance(field, models.Field) and field.is_relation:
        return getattr(instance, field.attname)
    return getattr(instance, name)


def _comparable(value, is_many: bool):
    if is_many:
        return set(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def refuse_changes(
    changed: Mapping[str, Any], messages: Mapping[str, StrOrPromise]
) -> None:
    """A ValidationError on each field of `messages` found in `changed`."""
    errors = {
        name: ValidationError(message, code="fixed")
        for name, message in messages.items()
        if name in changed
    }
    if errors:
        raise ValidationError(errors)


def model_update(
    instance: M,
    *,
    changes: Mapping[str, Any],
    fixed: Mapping[str, StrOrPromise] | None = None,
    check: Check | None = None,
) -> M:
    """Apply the entries of `changes` that change something, refusing any field of
    `fixed` (name -> message: fields set once, at creation); validate, run `check`,
    save only the changed columns, then set changed many-to-many fields."""
    changed = changed_fields(instance, changes)
    refuse_changes(changed, fixed or {})
    concrete, many = _split(type(instance), changed)
    for name, value in concrete.items():
        setattr(instance, name, value)
    instance.full_clean()
    if check is not None:
        check(instance)
    if concrete:
        stamped = [
            field.name
            for field in instance._meta.concrete_fields
            if getattr(field, "auto_now", False)
        ]
        instance.save(update_fields=[*concrete, *stamped])
    for name, values in many.items():
        getattr(instance, name).set(values)
    return instance


def model_bulk_create(
    model: type[M],
    rows: list[M],
    *,
    check: Callable[[M], None] | None = None,
    by=None,
    reason: str = "",
) -> list[M]:
    """Store many new rows of one model at once, with their history: each row's
    fields and `clean()` are checked (and `check`, a service's own rule), then one
    INSERT stores them all; related rows' existence, uniqueness and the other
    constraints are the database's at that INSERT, so a bad row stores none. For
    loads (the demo data, spreadsheet imports), where a query per row would be too
    slow. The history names `by` (the acting user) and `reason`."""
    from simple_history.utils import bulk_create_with_history

    related = [field.name for field in model._meta.concrete_fields if field.is_relation]
    for row in rows:
        row.full_clean(
            exclude=related, validate_unique=False, validate_constraints=False
        )
        if check is not None:
            check(row)
    return bulk_create_with_history(
        rows, model, default_user=by, default_change_reason=reason or None
    )


def model_bulk_update(
    model: type[M],
    rows: list[M],
    *,
    fields: list[str],
    by=None,
    reason: str = "",
) -> int:
    """Store changes to many rows of one model at once, with their history: each
    row's fields and `clean()` are checked as `model_bulk_create` checks them, then
    `fields` of every row are saved in one UPDATE per batch (never a bare
    `queryset.update()`, which would keep no history). Returns the rows changed."""
    from simple_history.utils import bulk_update_with_history

    related = [field.name for field in model._meta.concrete_fields if field.is_relation]
    for row in rows:
        row.full_clean(
            exclude=related, validate_unique=False, validate_constraints=False
        )
    if not rows:
        return 0
    return bulk_update_with_history(
        rows,
        model,
        fields,
        default_user=by,
        default_change_reason=reason or None,
    )


def model_delete(instance: models.Model) -> None:
    instance.delete()


def _current_function(function: Callable) -> Callable:
    """`function` as its services module holds it now: looked up when called, so
    that a test patching the module attribute
    (`mock.patch("training.services.trainee_update")`) sees every door's calls. A
    services package (`training/services/`) re-exports its modules' functions, and
    callers use the package's names: the package's attribute is the one to read."""
    module = function.__module__
    package = sys.modules.get(module.rpartition(".")[0])
    if package is not None and hasattr(package, function.__name__):
        return getattr(package, function.__name__)
    return getattr(sys.modules[module], function.__name__, function)


def _instance_keyword(function: Callable) -> str:
    """The first keyword of an update or delete service names the row it takes."""
    return next(iter(inspect.signature(function).parameters))


@dataclass(frozen=True)
class ModelServices:
    """A model's three writes, for the doors that call them generically.

    `fixed` names fields the update service refuses to change once the row exists
    (the admin shows them read-only on the change form); `guarded` names fields it
    refuses for some users (a manager and a BLKK's grade). A value posted for either
    while the admin shows it read-only still goes to the service, which refuses it
    with its own message.
    """

    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    delete: Callable[..., None]
    fixed: tuple[str, ...] = ()
    guarded: tuple[str, ...] = ()

    def call_create(self, *, fields: Mapping[str, Any], by) -> models.Model:
        return _current_function(self.create)(**fields, by=by)

    def call_update(
        self, instance: models.Model, *, changes: Mapping[str, Any], by
    ) -> models.Model:
        keyword = _instance_keyword(self.update)
        return _current_function(self.update)(**{keyword: instance}, **changes, by=by)

    def call_delete(self, instance: models.Model, *, by) -> None:
        keyword = _instance_keyword(self.delete)
        _current_function(self.delete)(**{keyword: instance}, by=by)
