"""The training app's part of the OpenAPI schema (a drf-spectacular hook)."""

from __future__ import annotations

from .serializers import MENTOR_FIELDS


def mark_role_dependent_fields(result, generator, request, public):
    """Postprocessing hook: a mentor sees only a founder's name, phone and masked NIK
    (DESIGN.md), so only those keys are required in a Trainee response."""
    trainee = result.get("components", {}).get("schemas", {}).get("Trainee")
    if trainee:
        trainee["required"] = [
            name for name in trainee.get("required", []) if name in MENTOR_FIELDS
        ]
        for name, field in trainee["properties"].items():
            if name not in MENTOR_FIELDS:
                note = "Not shown to mentors."
                field["description"] = f"{field.get('description', '')} {note}".strip()
    return result
