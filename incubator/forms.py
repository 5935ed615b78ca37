"""Forms of the incubator app's portal pages.

Field names are the API's (DESIGN.md, "REST API contract"), so the services'
messages land on the same names; the rules themselves are the services' (a form
checks only the shape of its input).
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from blkk_portal.api.fields import MAX_TEXT_LENGTH
from blkk_portal.forms import (
    PORTAL_RENDERER,
    IntegerField,
    ModelChoiceField,
    MonthFormField,
    PortalForm,
    PortalModelForm,
    RupiahField,
)
from blkk_portal.imports.pages import UploadForm
from blkk_portal.pages import place_errors
from training.forms import (
    PersonChoiceField,
    PersonMultipleChoiceField,
    offer_people,
)
from training.models import Trainee
from training.validators import validate_nik

from .models import (
    ApplicationReview,
    ApplicationStatus,
    Assistance,
    AssistanceCondition,
    AssistanceStatus,
    AssistanceStatusChange,
    Cohort,
    CohortApplication,
    Milestone,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
    stage_moves_from,
)
from .programme_records import (
    SCORE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    application_moves_from,
)
from .services import metric_ensure_month_begun


def label_of(model, name: str):
    """A model field's verbose name as a form label (lazy, translated)."""
    return capfirst(model._meta.get_field(name).verbose_name)


# --- cohorts --------------------------------------------------------------------------


class CohortForm(PortalModelForm):
    year = IntegerField(label=label_of(Cohort, "year"), min_value=2000, max_value=2100)

    class Meta:
        model = Cohort
        # The API's fields but `blkk`, which is the BLKK whose page this is.
        fields = [
            "name",
            "year",
            "start_date",
            "end_date",
            "status",
            "applications_open_on",
            "applications_close_on",
        ]


# --- ventures -------------------------------------------------------------------------


class VentureForm(PortalModelForm):
    """A new venture: its cohort among this BLKK's, its founders among the people
    this BLKK reaches (the person picker: name, birth date, NIK as the user may see
    it), and its initial stage."""

    cohort = ModelChoiceField(
        queryset=Cohort.objects.none(), label=label_of(Venture, "cohort")
    )

    class Meta:
        model = Venture
        fields = ["cohort", "name", "sector", "founders", "stage", "nib", "started_on"]
        labels = {"stage": _("Initial stage")}

    def __init__(self, *args, cohorts, people, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        # Not required here: with no founder the service answers, in the API's words.
        self.fields["founders"] = PersonMultipleChoiceField(
            people,
            user=user,
            required=False,
            label=label_of(Venture, "founders"),
            help_text=_("The people who founded it, among those this BLKK reaches."),
        )


class VentureUpdateForm(VentureForm):
    """A venture's details. Its stage moves only through the stage form, and its
    start, which opens the stage history, stays (the service refuses both)."""

    class Meta(VentureForm.Meta):
        fields = ["cohort", "name", "sector", "founders", "nib"]


# --- stage moves ----------------------------------------------------------------------


class OfferedChoiceField(forms.ChoiceField):
    """Offers some of a `TextChoices`' values but reads any of them, so that a value
    not offered reaches the service, which refuses it with its own message."""

    def __init__(self, *, known, **kwargs):
        self.known = known
        super().__init__(**kwargs)

    def valid_value(self, value) -> bool:
        return value in self.known.values


class StageMoveForm(PortalForm):
    """A move of `venture` to another stage: only the moves the stage rules allow
    from its current stage are offered (`stage_moves_from`)."""

    to_stage = OfferedChoiceField(
        known=Stage,
        label=label_of(StageChange, "to_stage"),
        widget=forms.RadioSelect,
    )
    changed_on = forms.DateField(label=label_of(StageChange, "changed_on"))
    note = forms.CharField(
        label=label_of(StageChange, "note"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, venture: Venture, **kwargs):
        kwargs.setdefault("initial", {"changed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.moves = stage_moves_from(venture.stage)
        self.fields["to_stage"].choices = [(s.value, s.label) for s in self.moves]


# --- milestones -----------------------------------------------------------------------


class MilestoneForm(PortalModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on"]
        help_texts = {"done_on": _("Leave empty while it is not done.")}


# --- monthly metrics ------------------------------------------------------------------

FIGURES = ("revenue", "workers", "customers")


class MonthForm(PortalForm):
    """The month a metrics page is about (`?period=YYYY-MM`)."""

    period = MonthFormField(label=label_of(VentureMetric, "period"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The phone's month picker; it sends YYYY-MM.
        self.fields["period"].widget.input_type = "month"


class MetricsImportForm(UploadForm):
    """A spreadsheet of one month's figures (`incubator.imports`): the month, as
    on the month's page (`period`, YYYY-MM, a month that has begun), and the file."""

    period = MonthFormField(
        label=label_of(VentureMetric, "period"),
        help_text=_("The month the figures are for."),
    )
    field_order = ["period", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.input_type = "month"

    def clean(self):
        cleaned = super().clean()
        month = cleaned.get("period")
        if month is not None:
            try:
                metric_ensure_month_begun(VentureMetric(period=month.first_day))
            except forms.ValidationError as error:
                place_errors(self, error)
        return cleaned


class MetricRowForm(PortalForm):
    """One venture's figures for the month. Left empty, the row is skipped (the
    venture has not reported), never stored as zeros; once one figure is given, all
    three are needed."""

    revenue = RupiahField(label=label_of(VentureMetric, "revenue"), required=False)
    workers = IntegerField(
        label=label_of(VentureMetric, "workers"), min_value=0, required=False
    )
    customers = IntegerField(
        label=label_of(VentureMetric, "customers"), min_value=0, required=False
    )

    def __init__(self, *args, venture: Venture, metric: VentureMetric | None, **kw):
        self.venture = venture
        self.metric = metric
        if metric is not None:
            kw["initial"] = {name: getattr(metric, name) for name in FIGURES}
        super().__init__(*args, **kw)

    @property
    def left_empty(self) -> bool:
        """Whether nothing was typed in the row (every figure blank)."""
        return not any(
            str(self.data.get(self.add_prefix(name), "")).strip() for name in FIGURES
        )

    def clean(self):
        cleaned = super().clean()
        if self.left_empty:
            if self.metric is not None:
                raise forms.ValidationError(
                    _(
                        "This venture's figures for the month are stored: change "
                        "them rather than leave them empty."
                    ),
                    code="stored",
                )
            return cleaned
        for name in FIGURES:
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned

    def figures(self) -> dict[str, int] | None:
        """The row's figures to store, or None when the row was left empty or
        repeats what is stored."""
        if self.left_empty:
            return None
        figures = {name: self.cleaned_data[name] for name in FIGURES}
        if self.metric is not None and all(
            getattr(self.metric, name) == value for name, value in figures.items()
        ):
            return None
        return figures


class BaseMetricsFormSet(forms.BaseFormSet):
    """One `MetricRowForm` per venture of the month, in the order given.

    Each row's fields are named after its venture's id (`metrics-17-revenue`), not
    its place in the list: a venture added between showing the form and posting it
    cannot shift another's figures onto it (its own row is simply absent, so
    skipped)."""

    def __init__(self, *args, ventures: list[Venture], stored: dict, **kwargs):
        self.ventures = ventures
        self.stored = stored
        kwargs.setdefault("prefix", "metrics")
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        return len(self.ventures)

    def initial_form_count(self) -> int:
        # No row is an "extra" one: each is checked as it was sent.
        return len(self.ventures)

    def add_prefix(self, index) -> str:
        if isinstance(index, int) and index < len(self.ventures):
            return f"{self.prefix}-{self.ventures[index].pk}"
        return super().add_prefix(index)

    def get_form_kwargs(self, index):
        venture = self.ventures[index]
        return {"venture": venture, "metric": self.stored.get(venture.pk)}


MetricsFormSet = forms.formset_factory(
    MetricRowForm, formset=BaseMetricsFormSet, extra=0, renderer=PORTAL_RENDERER
)


# --- intake: applications, reviews, decisions -----------------------------------------

NOT_BOTH = _("Choose a person or type a NIK, not both.")
NIK_NOT_REACHED = _(
    "Nobody you reach has the NIK %(nik)s: register the person here, or enroll "
    "them by their NIK, first."
)


def _nik_person(people, nik: str) -> Trainee | None:
    """The person among `people` (those the user reaches) with exactly `nik`.
    Only they are searched, so the answer says nothing about anyone else."""
    return people.filter(nik=nik).first()


class ApplicationForm(PortalModelForm):
    """An application, with the API's field names. The applicant is chosen from
    the people this BLKK reaches or found by their whole NIK (`applicant_nik`,
    among the people the user reaches); co-applicants are ticked, or their NIKs
    typed (`co_applicant_niks`). The rules are the service's."""

    applicant_nik = forms.CharField(
        required=False,
        label=_("Or the applicant's NIK"),
        help_text=_("The whole 16-digit NIK of a person registered or enrolled here."),
        validators=[validate_nik],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16}
        ),
    )
    co_applicant_niks = forms.CharField(
        required=False,
        label=_("Or the co-applicants' NIKs"),
        help_text=_("Whole 16-digit NIKs, separated by spaces or new lines."),
        widget=forms.Textarea(attrs={"rows": 2, "inputmode": "numeric"}),
    )

    class Meta:
        model = CohortApplication
        fields = [
            "cohort",
            "applicant",
            "co_applicants",
            "business_name",
            "sector",
            "idea",
            "received_on",
        ]
        widgets = {"idea": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, cohorts, people, offered, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["cohort"] = ModelChoiceField(
            queryset=cohorts,
            label=label_of(CohortApplication, "cohort"),
            empty_label=_("Choose a cohort"),
        )
        if self.instance.pk is not None:
            # The application's own people stay on the lists, whatever `offered`.
            offered = offered | people.filter(pk__in=self.instance.people_ids)
        applicant = PersonChoiceField(
            queryset=people,
            user=user,
            required=False,
            label=label_of(CohortApplication, "applicant"),
            help_text=_("Someone registered or trained at this BLKK."),
        )
        self.fields["applicant"] = applicant
        self.offered = offer_people(applicant, offered, user=user)
        co_applicants = PersonMultipleChoiceField(
            people,
            user=user,
            required=False,
            label=label_of(CohortApplication, "co_applicants"),
            help_text=_("The rest of the team, if any."),
        )
        co_applicants.choices = [
            (person.pk, co_applicants.label_from_instance(person))
            for person in self.offered
        ]
        self.fields["co_applicants"] = co_applicants
        self.fields["received_on"].required = False
        self.fields["received_on"].help_text = _(
            "Today, unless the application came in on an earlier day."
        )
        self.order_fields(
            [
                "cohort",
                "applicant",
                "applicant_nik",
                "co_applicants",
                "co_applicant_niks",
                "business_name",
                "sector",
                "idea",
                "received_on",
            ]
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.has_error("applicant") or self.has_error("applicant_nik"):
            return cleaned
        applicant, nik = cleaned.get("applicant"), cleaned.get("applicant_nik")
        if applicant is not None and nik:
            self.add_error("applicant_nik", NOT_BOTH)
        elif nik:
            found = _nik_person(self.people, nik)
            if found is None:
                self.add_error("applicant_nik", NIK_NOT_REACHED % {"nik": nik})
            cleaned["applicant"] = found
        elif applicant is None:
            self.add_error("applicant", _("Choose the applicant, or type their NIK."))
        co_applicants = list(cleaned.get("co_applicants") or [])
        for typed in (cleaned.get("co_applicant_niks") or "").replace(",", " ").split():
            try:
                validate_nik(typed)
            except forms.ValidationError as error:
                self.add_error("co_applicant_niks", f"{typed}: {error.messages[0]}")
                continue
            found = _nik_person(self.people, typed)
            if found is None:
                self.add_error("co_applicant_niks", NIK_NOT_REACHED % {"nik": typed})
            elif found not in co_applicants:
                co_applicants.append(found)
        cleaned["co_applicants"] = co_applicants
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned fields the services take (the API's)."""
        fields = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name in self.cleaned_data
        }
        if not fields.get("received_on"):
            fields.pop("received_on", None)
        return fields


class ScoreField(forms.TypedChoiceField):
    """A score from 1 (weak) to 5 (strong), as five big radio buttons."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "score-choice"}),
            help_text=_("1 (weak) to 5 (strong)."),
            **kwargs,
        )


class ReviewForm(PortalModelForm):
    """One reviewer's scores of an application, with the API's field names."""

    class Meta:
        model = ApplicationReview
        fields = [*SCORE_FIELDS, "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SCORE_FIELDS:
            self.fields[name] = ScoreField(label=label_of(ApplicationReview, name))


class DecisionForm(PortalForm):
    """A decision on `application`: only the moves the rules allow from its status
    are offered (`application_moves_from`); any other posted reaches the service,
    which refuses it in its own words."""

    decision = OfferedChoiceField(
        known=ApplicationStatus, label=_("Decision"), widget=forms.RadioSelect
    )
    on = forms.DateField(label=_("On"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept in the application's history; on acceptance, also the note of the "
            "venture's first stage."
        ),
    )

    def __init__(self, *args, application: CohortApplication, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.moves = application_moves_from(application.status)
        decision = cast(forms.ChoiceField, self.fields["decision"])
        decision.choices = [(s.value, s.label) for s in self.moves]


# --- assistance (bantuan wirausaha) ---------------------------------------------------


class AssistanceForm(PortalModelForm):
    """A proposal on a BLKK's page (ministry staff): to the BLKK itself, or to one
    of its ventures (`venture`; left empty, the BLKK)."""

    venture = ModelChoiceField(
        queryset=Venture.objects.none(),
        required=False,
        empty_label=_("None: the BLKK itself"),
        label=label_of(Assistance, "venture"),
        help_text=_("Leave empty to give it to the BLKK itself."),
    )
    year = IntegerField(
        label=label_of(Assistance, "year"), min_value=2000, max_value=2100
    )
    value = RupiahField(label=label_of(Assistance, "value"))

    class Meta:
        model = Assistance
        # The API's fields but `blkk`, which is the BLKK whose page this is (or
        # the venture's, which is this BLKK).
        fields = ["venture", "year", "kind", "description", "value", "proposed_on"]
        help_texts = {
            "proposed_on": _("The day it was proposed; not in the future."),
        }

    def __init__(self, *args, ventures, **kwargs):
        super().__init__(*args, **kwargs)
        cast(ModelChoiceField, self.fields["venture"]).queryset = ventures


class AssistanceUpdateForm(AssistanceForm):
    """A proposal's details; its proposal date opens its status history and stays."""

    class Meta(AssistanceForm.Meta):
        fields = ["venture", "year", "kind", "description", "value"]


class AssistanceMoveForm(PortalForm):
    """One move of an assistance (`to_status`, hidden: each move has its own small
    form and button), with its date, the handover number (BAST) for a delivery,
    and a note. The rules are the service's."""

    to_status = forms.ChoiceField(
        choices=AssistanceStatus.choices, widget=forms.HiddenInput
    )
    on = forms.DateField(label=_("Date"))
    handover_number = forms.CharField(
        label=label_of(Assistance, "handover_number"),
        max_length=100,
        required=False,
    )
    note = forms.CharField(
        label=label_of(AssistanceStatusChange, "note"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, to_status: str, **kwargs):
        kwargs.setdefault(
            "initial", {"to_status": to_status, "on": timezone.localdate()}
        )
        # Several of these forms share a page: ids of their own, names the API's.
        kwargs.setdefault("auto_id", f"id_{to_status}_%s")
        super().__init__(*args, **kwargs)
        self.move = to_status
        if to_status != AssistanceStatus.DELIVERED:
            del self.fields["handover_number"]


class AssistanceCheckForm(PortalForm):
    """A check of a delivered assistance: the day it was seen and its condition."""

    last_checked_on = forms.DateField(
        label=_("Checked on"), help_text=_("The day it was seen; not in the future.")
    )
    condition = forms.ChoiceField(
        label=label_of(Assistance, "condition"),
        choices=AssistanceCondition.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"last_checked_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
