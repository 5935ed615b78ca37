"""The base of every API serializer: the model's own validation, then the save.

DRF validates types and lengths; the model's `full_clean()` then applies the same
validators, `clean()` rules and constraints as the admin, so the API cannot store
what the admin would refuse. Models with a service (trainees, enrollments, ventures,
assignments, sessions) are saved through it instead: see each serializer's `store`.
"""

from __future__ import annotations

from django.db import models
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from .fields import MAX_TEXT_LENGTH


class PortalModelSerializer(serializers.ModelSerializer):
    def get_validators(self):
        # Unique-together constraints are checked by the model's `full_clean()` in
        # `store`, with the model's own message ("This venture already reported that
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
        many = self._pop_many_to_many(validated_data)
        instance = self.Meta.model(**validated_data)
        self.store(instance)
        self._set_many_to_many(instance, many)
        return instance

    def update(self, instance, validated_data):
        many = self._pop_many_to_many(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        self.store(instance)
        self._set_many_to_many(instance, many)
        return instance

    def refuse_changes(self, attrs: dict, messages: dict) -> None:
        """On update, a 400 for each field in `messages` whose value would change:
        fields that are set once (a NIK, a venture's start) or changed elsewhere."""
        if self.instance is None:
            return
        errors = {
            name: [message]
            for name, message in messages.items()
            if name in attrs and attrs[name] != getattr(self.instance, name)
        }
        if errors:
            raise serializers.ValidationError(errors)

    def store(self, instance) -> None:
        """Validate like the admin does, then save. Override to call a service."""
        instance.full_clean()
        instance.save()

    def _pop_many_to_many(self, validated_data: dict) -> dict:
        names = {field.name for field in self.Meta.model._meta.many_to_many}
        return {
            name: validated_data.pop(name)
            for name in list(validated_data)
            if name in names
        }

    @staticmethod
    def _set_many_to_many(instance, many: dict) -> None:
        for name, values in many.items():
            getattr(instance, name).set(values)
