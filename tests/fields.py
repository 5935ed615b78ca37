"""Service keywords from factory-built rows."""

from __future__ import annotations

from django.db import models


def fields_of(instance: models.Model) -> dict:
    """The editable fields of an (unsaved, factory-built) row, as a create service
    takes them: `trainee_register(**fields_of(TraineeFactory.build()), by=None)`."""
    return {
        field.name: getattr(instance, field.name)
        for field in instance._meta.concrete_fields
        if field.editable and not field.primary_key
    }
