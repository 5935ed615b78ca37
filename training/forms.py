"""Forms of the training app's portal pages, and the person picker every app uses.

Choosing a person anywhere shows enough to tell namesakes apart: the name, the birth
date (not to mentors, who do not see it) and the NIK as the user may see it (whole
for the person's own BLKKs' managers and ministry staff, masked for everyone else).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from blkk_portal.accounts.models import Role
from blkk_portal.forms import ModelChoiceField

from .validators import mask_nik

SEPARATOR = " \u00b7 "


def shown_nik(trainee) -> str:
    """The NIK as the list it came from lets its reader see it (`full_nik_visible`,
    from `TraineeQuerySet.with_full_nik_flag`); masked when that is unknown."""
    if getattr(trainee, "full_nik_visible", False):
        return trainee.nik
    return mask_nik(trainee.nik)


def sees_birth_dates(user) -> bool:
    """Mentors see a founder's name, phone and masked NIK, not their birth date."""
    return user.role != Role.MENTOR


def person_label(trainee, *, birth_date: bool = True) -> str:
    """`Ayu Lestari · 2 Maret 2001 · 3273********0001`."""
    from blkk_portal.templatetags.portal import tanggal

    parts = [trainee.full_name]
    if birth_date:
        parts.append(tanggal(trainee.birth_date))
    parts.append(_("NIK %(nik)s") % {"nik": shown_nik(trainee)})
    return SEPARATOR.join(str(part) for part in parts)


class _PersonLabels:
    """Labels choices as `person_label` does, for the user the form is shown to."""

    def __init__(self, queryset, *, user, **kwargs):
        self.show_birth_date = sees_birth_dates(user)
        super().__init__(queryset.with_full_nik_flag(user), **kwargs)  # type: ignore[call-arg]

    def label_from_instance(self, obj) -> str:
        return person_label(obj, birth_date=self.show_birth_date)


class PersonChoiceField(_PersonLabels, ModelChoiceField):
    """One person among `queryset` (a Trainee queryset already scoped for `user`)."""


class PersonMultipleChoiceField(_PersonLabels, forms.ModelMultipleChoiceField):
    """Several people among `queryset`, as checkboxes (a phone shows them all)."""

    widget = forms.CheckboxSelectMultiple
