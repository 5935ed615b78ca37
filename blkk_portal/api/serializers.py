"""The base of every API serializer: shape here, rules in the services.

DRF validates types, lengths and scoped ids; `create` and `update` then hand the
validated fields, as keywords, to the model's services (`services` on the
serializer, a `blkk_portal.services.ModelServices`), which apply the model's
`full_clean()` and every rule of the model, as they do for the admin. A service's
`ValidationError` answers 400 (`blkk_portal.api.exceptions`).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from blkk_portal.services import ModelServices

from .fields import (
    MAX_TEXT_LENGTH,
    AsciiBigIntegerField,
    AsciiDateField,
    AsciiIntegerField,
    DrfBigIntegerField,
    PortalPrimaryKeyRelatedField,
)
from .representation import FastRepresentation

_DRF_MAPPING = serializers.ModelSerializer.serializer_field_mapping
_ASCII_FIELDS = {
    serializers.IntegerField: AsciiIntegerField,
    DrfBigIntegerField: AsciiBigIntegerField,
    serializers.DateField: AsciiDateField,
}
# Every integer and date column is read from ASCII digits only (when sent as text).
INTEGER_FIELD_MAPPING = {
    model_field: _ASCII_FIELDS[field]
    for model_field, field in _DRF_MAPPING.items()
    if field in _ASCII_FIELDS
}


class PortalModelSerializer(FastRepresentation):
    serializer_field_mapping = {
        **_DRF_MAPPING,
        **INTEGER_FIELD_MAPPING,
    }
    serializer_related_field = PortalPrimaryKeyRelatedField

    def get_validators(self):
        # Unique-together constraints are checked by the model's `full_clean()` in
        # the service, with the model's own message ("This venture already reported that
        # month."); DRF's copy would also make every field of the set required.
        return [
            validator
            for validator in super().get_validators()
            if not isinstance(validator, UniqueTogetherValidator)
        ]

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.TextField):
            kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        return field_class, kwargs

    def create(self, validated_data):
        return self.services.call_create(fields=validated_data, by=self._acting_user)

    def update(self, instance, validated_data):
        return self.services.call_update(
            instance, changes=validated_data, by=self._acting_user
        )

    @property
    def services(self) -> ModelServices:
        return services_of(type(self))

    @property
    def _acting_user(self):
        return self.context["request"].user


def services_of(serializer_class: type[serializers.BaseSerializer]) -> ModelServices:
    """The model's services, as the serializer's `Meta.services` names them."""
    services = getattr(getattr(serializer_class, "Meta", None), "services", None)
    if services is None:
        raise ImproperlyConfigured(
            f"{serializer_class.__name__}.Meta needs `services` (a ModelServices)."
        )
    return services
