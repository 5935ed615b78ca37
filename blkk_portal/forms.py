"""Form fields shared by the admin and the API's filters: integers, ids and months
are read from ASCII digits only, the whole text (`blkk_portal.numbers`,
`blkk_portal.months`)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.forms.renderers import BaseRenderer, TemplatesSetting
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


# --- portal pages ---------------------------------------------------------------

# Rupiah as people type them: "1250000", "1.250.000", "Rp 1.250.000" (ASCII digits,
# dots only between groups of three).
_RUPIAH = re.compile(r"(?:Rp\.?\s?)?([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)", re.IGNORECASE)
RUPIAH_MESSAGE = _("Give a whole number of rupiah, for example 1.250.000.")


class RupiahField(IntegerField):
    """Whole rupiah, typed with or without the dots between thousands."""

    default_error_messages = {"invalid": RUPIAH_MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)
        self.widget.input_type = "text"
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if value in self.empty_values:
                return None
            match = _RUPIAH.fullmatch(value)
            if match is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = match[1].replace(".", "")
        return super().to_python(value)

    def prepare_value(self, value):
        # Shown back as typed; a stored amount is shown as plain digits, which the
        # field reads back the same.
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A text input: the browser's number input would refuse "1.250.000".
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs.pop("step", None)
        return attrs


class DateInput(forms.DateInput):
    """The phone's own date picker; it sends and shows `YYYY-MM-DD`."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PortalFormRenderer(TemplatesSetting):
    """Forms of the portal pages: labels above fields, hints, errors beside the
    field and summarised at the top (templates/portal/forms/)."""

    form_template_name = "portal/forms/form.html"
    field_template_name = "portal/forms/field.html"


PORTAL_RENDERER = PortalFormRenderer()


class PortalFormMixin:
    """Renders with the portal's templates; dates with the date picker."""

    default_renderer: BaseRenderer | type[BaseRenderer] | None = PORTAL_RENDERER

    def __init__(self, *args, **kwargs):
        # A label above its field needs no colon (GOV.UK's forms have none).
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, forms.DateField) and not isinstance(
                field.widget, DateInput
            ):
                field.widget = DateInput(attrs=field.widget.attrs)


class ModelValidatorsMixin:
    """Runs each model field's own validators (the NIK's, the phone's) on the form
    field too: they are the ones the service runs, so their messages are the same,
    and they all show at once rather than after the other fields are put right
    (a `PortalModelForm` leaves the row's validation to the service)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        opts = self._meta.model._meta  # type: ignore[attr-defined]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            try:
                model_field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            for validator in getattr(model_field, "validators", []):
                if validator not in field.validators:
                    field.validators.append(validator)


class PortalForm(PortalFormMixin, forms.Form):
    pass


class PortalModelForm(PortalFormMixin, forms.ModelForm):
    """A model's fields, labels and choices; the row itself is validated and stored
    by the model's service, not by the form (`blkk_portal.pages`)."""

    def _post_clean(self) -> None:
        # ModelForm would build and full_clean() the instance here; the service does
        # that, with the rules the form does not know, so it is not done twice.
        return
