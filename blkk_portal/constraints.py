"""Constraint helpers shared by the apps' models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def choice_is_known(field: str, choices: type[models.Choices], name: str):
    """A check that `field` holds one of `choices`: writes that skip the form (raw
    updates, imports, other systems) cannot store a value the portal cannot show."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=name
    )
