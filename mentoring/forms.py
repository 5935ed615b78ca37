"""Forms of the mentoring app's portal pages: a session, and a venture's monthly
figures. Field names are the API's (DESIGN.md), so the services' messages land on
the same names; the rules are the services', not the forms'."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from blkk_portal.forms import (
    IntegerField,
    ModelChoiceField,
    MonthFormField,
    PortalForm,
    PortalModelForm,
    RupiahField,
)
from incubator.models import Venture, VentureMetric

from .models import MentorAssignment, MentoringSession, SessionMode


def assignment_label(assignment: MentorAssignment) -> str:
    """An assignment as a mentor names it: its venture, or its BLKK as a whole."""
    if assignment.venture_id:
        return assignment.venture.name
    return _("%(blkk)s (the whole BLKK)") % {"blkk": assignment.blkk.name}


class AssignmentChoiceField(ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return assignment_label(obj)


def _metric_label(name: str) -> str:
    return capfirst(VentureMetric._meta.get_field(name).verbose_name)


class SessionForm(PortalModelForm):
    """A session's fields but its assignment (a recorded session stays under it)."""

    class Meta:
        model = MentoringSession
        fields = [
            "held_on",
            "duration_minutes",
            "mode",
            "topics",
            "notes",
            "action_items",
            "mentee_rating",
        ]
        field_classes = {
            "duration_minutes": IntegerField,
            "mentee_rating": IntegerField,
        }
        widgets = {
            "mode": forms.RadioSelect,
            "topics": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "action_items": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons with no empty choice: a default is always there.
        self.fields["mode"].choices = SessionMode.choices
        # A phone shows its number pad; the service refuses out-of-range values.
        numeric = {"inputmode": "numeric"}
        self.fields["duration_minutes"].widget.attrs.update(
            numeric, min=1, max=480, step=1
        )
        self.fields["mentee_rating"].widget.attrs.update(numeric, min=1, max=5, step=1)


class SessionCreateForm(SessionForm):
    """A new session under one of the mentor's assignments.

    `offered` (their active assignments) are the choices shown; any of `assignments`
    (all their own) is accepted, so that an inactive one reaches the service, which
    says why it is refused. Another mentor's assignment never gets here (404).
    """

    class Meta(SessionForm.Meta):
        fields = ["assignment", *SessionForm.Meta.fields]
        field_classes = {
            **SessionForm.Meta.field_classes,
            "assignment": AssignmentChoiceField,
        }

    def __init__(self, *args, assignments, offered, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignment"]
        field.queryset = assignments
        field.empty_label = _("Choose an assignment")
        field.widget.choices = [
            ("", field.empty_label),
            *((assignment.pk, assignment_label(assignment)) for assignment in offered),
        ]


class MonthInput(forms.TextInput):
    """The phone's month picker; it sends `YYYY-MM` (a browser without one shows a
    text box, where `YYYY-MM` is typed)."""

    input_type = "month"


class MetricChoiceForm(PortalForm):
    """Which venture's figures, for which month (the page's query string)."""

    venture = ModelChoiceField(
        queryset=Venture.objects.none(), required=False, label=_("Venture")
    )
    period = MonthFormField(label=_("Month"), widget=MonthInput)

    def __init__(self, *args, ventures, **kwargs):
        kwargs.setdefault("auto_id", "choose_%s")
        super().__init__(*args, **kwargs)
        self.fields["venture"].queryset = ventures
        self.fields["venture"].empty_label = _("Choose a venture")


class MetricForm(PortalForm):
    """A venture's figures for one month; the venture and month come from the
    choice above the form and travel with it."""

    venture = ModelChoiceField(
        queryset=Venture.objects.none(), widget=forms.HiddenInput
    )
    period = MonthFormField(widget=forms.HiddenInput)
    revenue = RupiahField(
        label=_metric_label("revenue"), help_text=_("For example 1.250.000.")
    )
    workers = IntegerField(
        label=_metric_label("workers"),
        help_text=_("People who worked in the venture that month, founders too."),
    )
    customers = IntegerField(label=_metric_label("customers"))

    def __init__(self, *args, ventures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venture"].queryset = ventures
        for name in ("workers", "customers"):
            self.fields[name].widget.attrs.update(inputmode="numeric", min=0)
