"""Reading a model instance into the API's JSON, with less work per row.

DRF's `Serializer.to_representation` walks `self.fields` for every row: a generator
over a `BindingDict`, then per field `get_attribute` (a loop over the source's parts,
a `Mapping` check and a callable check) and `to_representation`. And before the
first row it builds every field afresh for each request (`ModelSerializer.get_fields`:
the model's field info, kwargs, validators, then a deep copy of the declared fields).
On a list of 50 trainees that was most of the time spent serializing, itself the
largest part of the request (issue #14).

`FastRepresentation` reads the same values into the same dict, byte for byte:

- the fields are built once per serializer class (`get_fields()` of a throwaway
  instance), and kept unbound as prototypes; a request builds none of them to read;
- a field that reads one concrete column of the row (`name`, `status`, a foreign
  key's id) is read with `operator.attrgetter` on the column's attribute and turned
  into JSON by its own `to_representation`, or by `str`/`int` where that is exactly
  what DRF's does (`CharField`, `IntegerField`), or unchanged for a related id;
- any other field (a nested list, a method field, a list of ids, a dotted source,
  a property) goes through DRF's own `get_attribute` and `to_representation` on a
  bound copy of its prototype (or on `self.fields` when this serializer has built
  them, as a write does), with DRF's treatment of `SkipField` and of `None`.

Only fields whose `to_representation` depends on nothing but their own arguments
are read on the fast path (the classes in `_CONTEXT_FREE`, exactly, not their
subclasses unless they keep the method); a value that is not a model instance (a
`dict` of validated data) is read by DRF's own code. `tests/api/test_representation.py`
compares both readings of every serializer of the API.
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import SkipField

from .fields import DrfBigIntegerField, MonthField

_SKIP = object()

# Field classes whose `to_representation` reads nothing but the value and the
# field's own arguments (format, choices, decimal places): the prototype's method
# can serve every request.
_CONTEXT_FREE: tuple[type[drf_fields.Field], ...] = (
    drf_fields.BooleanField,
    DrfBigIntegerField,
    drf_fields.CharField,
    drf_fields.ChoiceField,
    drf_fields.DateField,
    drf_fields.DateTimeField,
    drf_fields.DecimalField,
    drf_fields.FloatField,
    drf_fields.IntegerField,
    drf_fields.JSONField,
    MonthField,
)
# Where DRF's `to_representation` is exactly a builtin.
_BUILTIN: dict[Callable, Callable] = {
    drf_fields.CharField.to_representation: str,
    drf_fields.IntegerField.to_representation: int,
}


class _Entry:
    """How one readable field is read: `read` the row's attribute (fast path) and
    `convert` a value that is not None; or, with `read` None, DRF's own way."""

    __slots__ = ("convert", "name", "read")

    def __init__(self, name: str, read=None, convert=None) -> None:
        self.name = name
        self.read = read
        self.convert = convert


def _same_method(field: drf_fields.Field, owner: type, name: str) -> bool:
    return getattr(type(field), name) is getattr(owner, name)


def _column(model: type[models.Model], source: str) -> models.Field | None:
    """The concrete model field `source` names, or None."""
    try:
        column = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    if not getattr(column, "concrete", False) or column.many_to_many:
        return None
    return column  # type: ignore[return-value]


def _fast_entry(
    field: drf_fields.Field, name: str, model: type[models.Model]
) -> _Entry | None:
    """The fast reading of `field`, or None when only DRF's own will do."""
    # What `bind` will make of it: the source defaults to the field's name.
    source = field.source or name
    if not isinstance(source, str) or source == "*" or "." in source:
        return None
    column = _column(model, source)
    if column is None:
        return None
    read = operator.attrgetter(column.attname)
    if isinstance(field, relations.RelatedField):
        # The related object's id, as DRF reads it (`PKOnlyObject` of the column).
        if (
            column.is_relation
            and isinstance(field, relations.PrimaryKeyRelatedField)
            and field.pk_field is None
            and field.use_pk_only_optimization()
            and _same_method(field, relations.RelatedField, "get_attribute")
            and _same_method(
                field, relations.PrimaryKeyRelatedField, "to_representation"
            )
        ):
            return _Entry(name, read, _unchanged)
        return None
    if column.is_relation or not _same_method(field, drf_fields.Field, "get_attribute"):
        return None
    own = type(field).to_representation
    if not any(own is kind.to_representation for kind in _CONTEXT_FREE):
        return None
    return _Entry(name, read, _BUILTIN.get(own, field.to_representation))


def _unchanged(value):
    return value


class _Plan:
    """The prototypes of a serializer class's fields and how to read each."""

    def __init__(self, prototypes: dict[str, drf_fields.Field], model) -> None:
        self.prototypes = prototypes
        self.entries = tuple(
            _fast_entry(field, name, model) or _Entry(name)
            for name, field in prototypes.items()
            if not field.write_only
        )


_PLANS: dict[type, _Plan] = {}


def _bind_prototype(prototype: drf_fields.Field, name: str, parent) -> Any:
    field = copy.deepcopy(prototype)
    field.bind(field_name=name, parent=parent)
    return field


class FastRepresentation(serializers.ModelSerializer):
    """A ModelSerializer whose `to_representation` does less per row (see the module
    docstring); its output is DRF's, byte for byte."""

    def to_representation(self, instance):
        if not isinstance(instance, models.Model):
            return super().to_representation(instance)
        plan = self._plan()
        ret = {}
        for entry in plan.entries:
            if entry.read is not None:
                value = entry.read(instance)
                ret[entry.name] = None if value is None else entry.convert(value)
                continue
            value = self._read_as_drf(entry.name, instance, plan)
            if value is not _SKIP:
                ret[entry.name] = value
        return ret

    def _read_as_drf(self, name: str, instance, plan: _Plan):
        """DRF's reading of one field (`Serializer.to_representation`'s loop body)."""
        field = self._bound_field(name, plan)
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            return _SKIP
        check_for_none = (
            attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
        )
        if check_for_none is None:
            return None
        return field.to_representation(attribute)

    def _bound_field(self, name: str, plan: _Plan):
        if "fields" in self.__dict__:
            # Built by this serializer already (a write validates with them).
            return self.fields[name]
        bound = self.__dict__.setdefault("_bound_for_reading", {})
        if name not in bound:
            bound[name] = _bind_prototype(plan.prototypes[name], name, self)
        return bound[name]

    def _plan(self) -> _Plan:
        cls = type(self)
        plan = _PLANS.get(cls)
        if plan is None:
            # Built from a throwaway instance, so no field is ever bound to a
            # request; a race only builds the same plan twice.
            prototypes = cls(context={}).get_fields()
            plan = _PLANS[cls] = _Plan(prototypes, cls.Meta.model)
        return plan
