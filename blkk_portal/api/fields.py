"""Serializer fields shared by the API's resources."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from blkk_portal.months import SCHEMA_PATTERN, Month
from blkk_portal.numbers import is_ascii_digits, is_ascii_integer, is_ascii_iso_date

# Free text (notes, topics, addresses) is stored in unbounded columns; the API bounds
# it so that one request cannot store megabytes.
MAX_TEXT_LENGTH = 5000
MAX_ID = 2**63 - 1


class AsciiDigitsOnly(serializers.IntegerField):
    """DRF's integer, but text must be ASCII digits (an optional minus first):
    DRF's own calls `int()`, which reads any Unicode digits and strips "16\\n"."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not is_ascii_integer(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class AsciiIntegerField(AsciiDigitsOnly):
    pass


# DRF's BigIntegerField (for bigint columns) is newer than its type stubs.
DrfBigIntegerField: type[serializers.IntegerField] = serializers.BigIntegerField  # type: ignore[attr-defined]


class AsciiBigIntegerField(AsciiDigitsOnly, DrfBigIntegerField):  # type: ignore[valid-type,misc]
    pass


class AsciiDateField(serializers.DateField):
    """DRF's date, but text must be exactly `YYYY-MM-DD` in ASCII digits: DRF's
    own reads Arabic-Indic digits and accepts "2026-08-01\n" (Django's date
    pattern ends in `$`)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not is_ascii_iso_date(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class PortalPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by id. An integer id must be a JSON integer or ASCII digits,
    and fit a bigint; anything else is the same 400 as an id of the wrong type."""

    def to_internal_value(self, data):
        if self._integer_ids():
            # Wrong types and ids beyond a bigint are the same 400 as an unknown id.
            if isinstance(data, bool) or not isinstance(data, int | str):
                self.fail("incorrect_type", data_type=type(data).__name__)
            if isinstance(data, str) and not is_ascii_digits(data):
                self.fail("incorrect_type", data_type="str")
            if not 0 < int(data) <= MAX_ID:
                self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)

    def _integer_ids(self) -> bool:
        if self.pk_field is not None:
            return False
        rows = self.queryset if self.queryset is not None else self.get_queryset()
        model = getattr(rows, "model", None)
        return model is not None and isinstance(model._meta.pk, models.IntegerField)


class ScopedRelatedField(PortalPrimaryKeyRelatedField):
    """A related object by id, chosen only among the rows the caller may use.

    `rows_for(user)` names those rows (for instance `Blkk.objects.writable_by`), so an
    id outside the caller's scope is refused exactly like an id that does not exist:
    the answer reveals nothing about other BLKKs.
    """

    def __init__(self, *, rows_for: Callable, **kwargs):
        self.rows_for = rows_for
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            if self.queryset is None:
                raise ImproperlyConfigured(
                    "A ScopedRelatedField needs `queryset` (its model's rows)."
                )
            return self.queryset.none()
        return self.rows_for(request.user)


class OnlyWritableRow:
    """A default for a related field: the one row the caller may write, if there is
    exactly one (a manager of a single BLKK need not name it on every record)."""

    requires_context = True

    def __init__(self, rows_for: Callable):
        self.rows_for = rows_for

    def __call__(self, serializer_field):
        user = serializer_field.context["request"].user
        rows = list(self.rows_for(user)[:2])
        if len(rows) != 1:
            raise serializers.ValidationError(
                serializer_field.error_messages["required"], code="required"
            )
        return rows[0]


class ScopedManyRelatedField(serializers.ListField):
    """A list of related ids, looked up in ONE query among the caller's rows."""

    default_error_messages = {
        "does_not_exist": _('Invalid pk "{pk_value}" - object does not exist.'),
        "duplicate": _("The same id is given twice."),
    }

    def __init__(self, *, rows_for: Callable, max_items: int = 20, **kwargs):
        self.rows_for = rows_for
        super().__init__(
            child=AsciiIntegerField(min_value=1, max_value=MAX_ID),
            max_length=max_items,
            **kwargs,
        )

    def to_internal_value(self, data):
        ids = super().to_internal_value(data)
        if len(set(ids)) != len(ids):
            self.fail("duplicate")
        rows = self.rows_for(self.context["request"].user).in_bulk(ids)
        missing = [pk for pk in ids if pk not in rows]
        if missing:
            self.fail("does_not_exist", pk_value=missing[0])
        return [rows[pk] for pk in ids]

    def to_representation(self, data):
        return [item.pk for item in data.all()]


@extend_schema_field(
    {"type": "string", "pattern": SCHEMA_PATTERN, "example": "2026-03"}
)
class MonthField(serializers.Field):
    """A month as `YYYY-MM` in the API, stored as the month's first day."""

    default_error_messages = {
        "invalid": _("Give the month as YYYY-MM, for example 2026-03."),
    }

    def to_internal_value(self, data):
        return parse_month(data) or self.fail("invalid")

    def to_representation(self, value: datetime.date) -> str:
        return f"{value:%Y-%m}"


def parse_month(value) -> datetime.date | None:
    """`YYYY-MM` to the month's first day, or None when `Month.parse` refuses it."""
    try:
        return Month.parse(value).first_day
    except ValueError:
        return None


def bounded_text(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=MAX_TEXT_LENGTH, **kwargs)
