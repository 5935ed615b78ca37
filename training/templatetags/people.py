"""`{% person trainee %}`: a person as the signed-in user may see them (name, birth
date unless a mentor, NIK whole or masked), the same as the pickers show."""

from __future__ import annotations

from django import template

from training.forms import person_label, sees_birth_dates, shown_nik

register = template.Library()


@register.simple_tag(takes_context=True)
def person(context, trainee) -> str:
    user = context["request"].user
    return person_label(trainee, birth_date=sees_birth_dates(user))


@register.filter
def nik(trainee) -> str:
    """The NIK alone, whole or masked as `full_nik_visible` says."""
    return shown_nik(trainee)
