"""Form fields shared by the admin and the API's filters: integers, ids and months
are read from ASCII digits only, the whole text (`blkk_portal.numbers`,
`blkk_portal.months`)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .months import Month
from .numbers import is_ascii_digits, is_ascii_integer

MONTH_MESSAGE = _("Give the month as YYYY-MM, for example 2026-03.")


class IntegerField(forms.IntegerField):
    """Django's integer field, but text must be ASCII digits (an optional minus
    first): Django's calls `int()`, which reads any Unicode digits and strips
    whitespace."""

    def to_python(self, value):
        if isinstance(value, str) and value and not is_ascii_integer(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ModelChoiceField(forms.ModelChoiceField):
    """A related object chosen by id: an integer id must be ASCII digits, or the
    choice is invalid (Django's look-up would read "\\u0661" as 1)."""

    def to_python(self, value):
        if isinstance(value, str) and value and not self._may_name_a_row(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)

    def _may_name_a_row(self, text: str) -> bool:
        if self.queryset is None:
            return True
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        return not isinstance(key, models.IntegerField) or is_ascii_digits(text)


class MonthFormField(forms.Field):
    """A month as YYYY-MM, to a `Month`. The text is not stripped: "2026-01\\n" is
    refused like any other text that is not a month."""

    default_error_messages = {"invalid": MONTH_MESSAGE}

    def to_python(self, value) -> Month | None:
        if value in self.empty_values:
            return None
        try:
            return Month.parse(value)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None
