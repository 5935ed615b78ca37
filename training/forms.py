"""Forms of the training app's portal pages, and the person picker every app uses.

Choosing a person anywhere shows enough to tell namesakes apart: the name, the birth
date (not to mentors, who do not see it) and the NIK as the user may see it (whole
for the person's own BLKKs' managers and ministry staff, masked for everyone else).
"""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from blkk_portal.accounts.models import Role
from blkk_portal.forms import (
    IntegerField,
    ModelChoiceField,
    ModelValidatorsMixin,
    PortalForm,
    PortalModelForm,
    RupiahField,
)
from blkk_portal.pages import place_errors

from .models import (
    BLKK_CONTACT_FIELDS,
    ROADMAP_CRITERIA,
    Blkk,
    Certification,
    Enrollment,
    EnrollmentStatus,
    GradeAssessment,
    GraduateOutcome,
    Partner,
    Partnership,
    PartnershipPurpose,
    Placement,
    Regency,
    Trainee,
    TrainingBatch,
    VocationalField,
)
from .programme_records import PARTNERSHIP_PURPOSES, Instructor, InstructorQualification
from .services import PLACEMENT_FIXED, PURPOSES_REQUIRED, enrollment_person_by_nik
from .validators import mask_nik, nik_agreement_errors, validate_nik

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


# --- a BLKK's trainees and contact details (training/views/trainees.py, contact.py) ---

# NIK, birth date and gender are checked as they are typed (`trainee_check`).
CHECKED_FIELDS = ("nik", "birth_date", "gender")
CHECKED_FIELD_TEMPLATE = "training/trainee_checked_field.html"


class RegencyChoiceIterator(ModelChoiceIterator):
    """Regencies grouped by province, one `<optgroup>` each: a phone's picker
    scrolls to the province, then the regency."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.select_related("province").order_by(
            "province__name", "name"
        )
        for province, regencies in groupby(rows, key=attrgetter("province")):
            yield (province.name, [self.choice(regency) for regency in regencies])


class RegencyChoiceField(ModelChoiceField):
    iterator = RegencyChoiceIterator

    def label_from_instance(self, obj) -> str:
        return obj.name


class TraineeForm(ModelValidatorsMixin, PortalModelForm):
    """A person's record with the API's field names. The NIK's own rules are the
    model field's validators; its agreement with the birth date and gender is
    `nik_agreement_errors`, the function the model's `clean()` calls, so the page,
    the check as you type and the API give the same messages. The service checks
    everything again when it stores the row."""

    regency = RegencyChoiceField(
        queryset=Regency.objects.all(),
        label=capfirst(Trainee._meta.get_field("regency").verbose_name),
    )

    class Meta:
        model = Trainee
        fields = [
            "nik",
            "full_name",
            "gender",
            "birth_date",
            "phone",
            "regency",
            "education",
            "has_disability",
            "prior_status",
            "consent_on",
        ]
        widgets = {"gender": forms.RadioSelect}

    def __init__(self, *args, check_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = Trainee.Gender.choices
        if "nik" in self.fields:
            # "NIK must be exactly 16 digits" says it all; a second message about
            # its length would only repeat it.
            self.fields["nik"].validators = [
                validator
                for validator in self.fields["nik"].validators
                if not isinstance(validator, MaxLengthValidator)
            ]
            self.fields["nik"].widget.attrs.update(
                {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
            )
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        for name in CHECKED_FIELDS:
            if name not in self.fields:
                continue
            field = self.fields[name]
            field.template_name = CHECKED_FIELD_TEMPLATE
            # Its messages, checked as typed, are announced and describe the field.
            described_by = [f"{self[name].auto_id}_check"]
            if field.help_text:
                described_by.insert(0, f"{self[name].auto_id}_helptext")
            field.widget.attrs["aria-describedby"] = " ".join(described_by)
            if check_url:
                field.widget.attrs.update(
                    {
                        "hx-post": check_url,
                        "hx-trigger": "change, keyup changed delay:500ms",
                        # The answer swaps each field's message in by its id.
                        "hx-swap": "none",
                        # One check at a time, then the latest typed: replacing
                        # a check in flight aborts it, which htmx logs as an error.
                        "hx-sync": "closest form:queue last",
                    }
                )

    @property
    def known_nik(self) -> str:
        """The NIK the birth date and gender must agree with."""
        if "nik" in self.fields:
            return self.cleaned_data.get("nik") or ""
        return self.instance.nik

    def clean(self):
        cleaned = super().clean()
        errors = nik_agreement_errors(
            self.known_nik, cleaned.get("birth_date"), cleaned.get("gender")
        )
        for name, error in errors.items():
            if name in self.fields:
                self.add_error(name, error)
        return cleaned


class TraineeUpdateForm(TraineeForm):
    """The record of a person the BLKK registered: everything but the NIK, which
    identifies them and stays."""

    class Meta(TraineeForm.Meta):
        fields = [name for name in TraineeForm.Meta.fields if name != "nik"]


class TraineePhoneForm(ModelValidatorsMixin, PortalModelForm):
    """What a BLKK that only enrolled the person may change: their phone."""

    class Meta:
        model = Trainee
        fields = ["phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"


class BlkkContactForm(ModelValidatorsMixin, PortalModelForm):
    """A BLKK's contact details, which its managers keep (`BLKK_CONTACT_FIELDS`)."""

    class Meta:
        model = Blkk
        fields = list(BLKK_CONTACT_FIELDS)
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


# --- batches, enrollments, certifications and outcomes (portal pages) -----------------


def offer_people(field: forms.ModelChoiceField, people, *, user) -> list:
    """List only `people` (a Trainee queryset) in `field`'s choices, labelled as
    `person_label` does, and return them (to record the whole NIKs shown).

    The field still accepts anyone of its own queryset: a person left out of the
    list (already enrolled, say) is refused by the service with its own message,
    as the API refuses them, rather than as an unknown choice."""
    shown = list(people.with_full_nik_flag(user))
    birth_date = sees_birth_dates(user)
    field.choices = [
        ("", _("Choose a person")),
        *((person.pk, person_label(person, birth_date=birth_date)) for person in shown),
    ]
    return shown


class BatchForm(PortalModelForm):
    """A training batch's fields, as the API's `training-batches/` (the BLKK is
    the page's)."""

    vocational_field = ModelChoiceField(
        queryset=VocationalField.objects.order_by("name"),
        to_field_name="code",
        label=capfirst(_("vocational field")),
    )
    capacity = IntegerField(
        label=capfirst(_("capacity")),
        initial=16,
        help_text=_("Places in the batch, from 1 to 500."),
        widget=forms.NumberInput(attrs={"min": 1, "max": 500, "inputmode": "numeric"}),
    )

    class Meta:
        model = TrainingBatch
        fields = ["vocational_field", "name", "start_date", "end_date", "capacity"]


ENROLL_STATUSES = [
    (EnrollmentStatus.REGISTERED.value, EnrollmentStatus.REGISTERED.label),
    (EnrollmentStatus.ACTIVE.value, EnrollmentStatus.ACTIVE.label),
]
CHOOSE_OR_TYPE = _(
    "Choose a person, or type the NIK of a person registered at another BLKK."
)
CHOOSE_OR_TYPE_NOT_BOTH = _("Choose a person or type a NIK, not both.")


class EnrollForm(PortalForm):
    """A person for a batch: one this BLKK reaches (`trainee`), or anyone by their
    exact NIK (`trainee_nik`), as the API's `enrollments/` takes them. Nothing
    about the person behind a NIK is shown before they are enrolled: a NIK nobody
    has gets the API's message, and one that is found enrolls that person."""

    trainee_nik = forms.CharField(
        required=False,
        label=_("Or the NIK of a person registered at another BLKK"),
        help_text=_(
            "The whole 16-digit NIK, exactly. The person is then enrolled and "
            "visible here."
        ),
        validators=[validate_nik],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16}
        ),
    )
    status = forms.ChoiceField(
        label=capfirst(_("status")),
        choices=ENROLL_STATUSES,
        initial=EnrollmentStatus.REGISTERED,
    )

    def __init__(self, *args, batch, people, offered, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch
        field = PersonChoiceField(
            queryset=people,
            user=user,
            required=False,
            label=capfirst(_("trainee")),
            help_text=_("Someone registered or trained at this BLKK."),
        )
        self.fields["trainee"] = field
        self.order_fields(["trainee", "trainee_nik", "status"])
        self.offered = offer_people(field, offered, user=user)

    def clean(self):
        cleaned = super().clean()
        trainee, nik = cleaned.get("trainee"), cleaned.get("trainee_nik")
        if self.has_error("trainee") or self.has_error("trainee_nik"):
            return cleaned
        if trainee is not None and nik:
            self.add_error("trainee_nik", CHOOSE_OR_TYPE_NOT_BOTH)
        elif nik:
            try:
                cleaned["trainee"] = enrollment_person_by_nik(
                    trainee_nik=nik,
                    batch=self.batch,
                    status=cleaned.get("status") or EnrollmentStatus.REGISTERED,
                )
            except forms.ValidationError as error:
                place_errors(self, error)
        elif trainee is None:
            self.add_error("trainee", CHOOSE_OR_TYPE)
        return cleaned


class EnrollmentsStatusForm(PortalForm):
    """Several enrollments of a batch set to one status at once (completed on one
    date, usually); the enrollments are ticked in the batch's list."""

    enrollments = forms.ModelMultipleChoiceField(
        queryset=Enrollment.objects.none(),
        label=_("Enrollments"),
        error_messages={"required": _("Tick at least one person.")},
    )
    status = forms.ChoiceField(
        label=_("New status"),
        choices=EnrollmentStatus.choices,
        initial=EnrollmentStatus.COMPLETED,
        widget=forms.RadioSelect,
    )
    completed_on = forms.DateField(
        label=capfirst(_("completed on")),
        required=False,
        help_text=_("For the status Completed."),
    )

    def __init__(self, *args, enrollments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollments"].queryset = enrollments
        self.fields["completed_on"].initial = timezone.localdate

    def clean(self):
        cleaned = super().clean()
        completing = cleaned.get("status") == EnrollmentStatus.COMPLETED
        if completing and not cleaned.get("completed_on"):
            if not self.has_error("completed_on"):
                self.add_error(
                    "completed_on",
                    self.fields["completed_on"].error_messages["required"],
                )
        elif not completing:
            # The date belongs to completions only (the model's constraint).
            cleaned["completed_on"] = None
        return cleaned

    def ticked(self) -> set[str]:
        """The ids ticked, to keep them ticked when the form comes back."""
        if not self.is_bound:
            return set()
        return set(self.data.getlist(self.add_prefix("enrollments")))


class _PersonRecordForm(PortalModelForm):
    """A record about a person (certification, outcome): `trainee` is chosen among
    the people this BLKK reaches, `offered` listed."""

    def __init__(self, *args, people, offered, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = PersonChoiceField(
            queryset=people, user=user, label=capfirst(_("trainee")), required=True
        )
        self.fields["trainee"] = field
        self.offered = offer_people(field, offered, user=user)


class CertificationForm(_PersonRecordForm):
    """A competency certificate, as the API's `certifications/`."""

    class Meta:
        model = Certification
        fields = ["trainee", "scheme", "lsp_name", "issued_on", "result", "number"]


class OutcomeForm(_PersonRecordForm):
    """A tracer-study answer, as the API's `graduate-outcomes/`."""

    monthly_income = RupiahField(
        label=capfirst(_("monthly income (IDR)")),
        required=False,
        help_text=_("In rupiah, for example 1.250.000."),
    )

    class Meta:
        model = GraduateOutcome
        fields = [
            "trainee",
            "surveyed_on",
            "status",
            "employer_or_business",
            "monthly_income",
        ]


# --- placements (training/views/placements.py) ----------------------------------------


class PartnershipChoiceField(ModelChoiceField):
    """A partnership labelled `PT Mitra · PKS/001/2025 · BLKK Al-Ikhlas` (or
    `national`); its queryset reads the partner and BLKK with it."""

    def label_from_instance(self, obj) -> str:
        parts = [obj.partner.name]
        if obj.agreement_number:
            parts.append(obj.agreement_number)
        parts.append(obj.blkk.name if obj.blkk_id else _("national"))
        return SEPARATOR.join(str(part) for part in parts)


class PlacementForm(_PersonRecordForm):
    """A person placed with a partner, as the API's `placements/`. The person is
    chosen on a new placement only (it cannot change); the partnerships offered
    are `partnerships` (this BLKK's and the national ones)."""

    monthly_pay = RupiahField(
        label=capfirst(_("monthly pay (IDR)")),
        required=False,
        help_text=_(
            "In rupiah, for example 3.000.000. For an apprenticeship, the allowance."
        ),
    )

    class Meta:
        model = Placement
        fields = [
            "trainee",
            "partner",
            "partnership",
            "kind",
            "position",
            "start_date",
            "end_date",
            "monthly_pay",
            "status",
        ]

    def __init__(self, *args, partnerships, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["partner"] = ModelChoiceField(
            queryset=Partner.objects.visible_to(user).order_by("name", "pk"),
            label=capfirst(_("partner")),
            empty_label=_("Choose a partner"),
        )
        self.fields["partnership"] = PartnershipChoiceField(
            queryset=partnerships.select_related("partner", "blkk").order_by(
                "partner__name", "-start_date", "pk"
            ),
            required=False,
            label=capfirst(_("partnership")),
            empty_label=_("None"),
            help_text=_(
                "Optional: the agreement the person is placed under, with the "
                "same partner."
            ),
        )
        self.fields["end_date"].help_text = _(
            "Required once the placement is completed or ended early."
        )
        if self.instance.pk is not None:
            self.fields["trainee"].disabled = True
            self.fields["trainee"].help_text = PLACEMENT_FIXED["trainee"]
        self.order_fields(self.Meta.fields)


# --- instructors and qualifications (training/views/instructors.py) -----------------


class InstructorForm(ModelValidatorsMixin, PortalModelForm):
    """An instructor, as the API's `instructors/` (the BLKK is the page's); trades
    are ticked, by their codes."""

    vocational_fields = forms.ModelMultipleChoiceField(
        queryset=VocationalField.objects.order_by("name"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=capfirst(_("vocational fields")),
        help_text=_("The trades the instructor teaches."),
    )

    class Meta:
        model = Instructor
        fields = [
            "full_name",
            "gender",
            "phone",
            "vocational_fields",
            "employment",
            "is_active",
        ]
        widgets = {"gender": forms.RadioSelect, "employment": forms.RadioSelect}
        help_texts = {"is_active": _("Untick when the instructor no longer teaches.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons without the empty choice: one of them must be chosen.
        self.fields["gender"].choices = Instructor.Gender.choices
        self.fields["employment"].choices = Instructor.Employment.choices
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"


class QualificationForm(ModelValidatorsMixin, PortalModelForm):
    """A qualification, as the API's `instructor-qualifications/` (the instructor
    is the page's)."""

    class Meta:
        model = InstructorQualification
        fields = ["kind", "title", "issuer", "number", "issued_on", "valid_until"]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "issuer": _("For example BNSP, an LSP or a training centre (BBPVP)."),
            "valid_until": _("Leave empty when it does not expire."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = InstructorQualification.Kind.choices


# --- partners and partnerships (training/views/partnerships.py) -----------------------


def partner_label(partner) -> str:
    """`PT Garmen Sejahtera · Kota Bandung`: the regency tells namesakes apart."""
    if partner.regency_id is None:
        return partner.name
    return f"{partner.name}{SEPARATOR}{partner.regency.name}"


class PartnerForm(ModelValidatorsMixin, PortalModelForm):
    """A partner, as the API's `partners/`: an organisation's office, no person's
    data (the contact is a name to ask for, an office phone and email)."""

    regency = RegencyChoiceField(
        queryset=Regency.objects.all(),
        required=False,
        label=capfirst(Partner._meta.get_field("regency").verbose_name),
        help_text=_("Where its office is; empty for an organisation without one."),
    )

    class Meta:
        model = Partner
        fields = ["name", "kind", "regency", "contact_name", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["contact_name"].help_text = _(
            "A post or a name to ask for, such as Bagian SDM."
        )
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"


PURPOSES_FIELD_TEMPLATE = "training/partnership_purposes_field.html"


class PurposesField(forms.ModelMultipleChoiceField):
    """One or more purposes, ticked, in DESIGN.md's order and the user's language."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=PartnershipPurpose.objects.all(),
            error_messages={"required": PURPOSES_REQUIRED},
            **kwargs,
        )
        self.template_name = PURPOSES_FIELD_TEMPLATE
        # Listed without a query: the codes are the rows' keys.
        self.choices = list(PARTNERSHIP_PURPOSES)


class PartnershipForm(PortalModelForm):
    """A BLKK's partnership, as the API's `partnerships/` (the BLKK is the page's).
    `partners` are those the user may choose (every partner); `offered` those
    listed: the province's, those without a regency and those the BLKK already
    works with (any other, found on the partners' page, comes in `?partner=`)."""

    purposes = PurposesField(label=capfirst(_("purposes")))

    class Meta:
        model = Partnership
        fields = [
            "partner",
            "purposes",
            "agreement_number",
            "signed_on",
            "start_date",
            "end_date",
        ]

    def __init__(self, *args, partners, offered, **kwargs):
        super().__init__(*args, **kwargs)
        field = ModelChoiceField(
            queryset=partners,
            label=capfirst(_("partner")),
            help_text=_("The organisation the agreement is with."),
        )
        field.choices = [
            ("", _("Choose a partner")),
            *((partner.pk, partner_label(partner)) for partner in offered),
        ]
        self.fields["partner"] = field
        self.order_fields(self.Meta.fields)
        self.fields["agreement_number"].help_text = _(
            "The number of the agreement (perjanjian kerja sama), if it has one."
        )


# --- grade assessments (training/views/assessments.py) --------------------------------


class GradeAssessmentForm(ModelValidatorsMixin, PortalModelForm):
    """An assessment of the BLKK the page is about, as the API's `grade-assessments/`
    (the BLKK comes from the page; the assessor is whoever records it)."""

    class Meta:
        model = GradeAssessment
        fields = ["assessed_on", "grade", *ROADMAP_CRITERIA, "note"]
        help_texts = {
            "grade": _(
                "Your judgement of the BLKK as a whole; the criteria below do not "
                "decide it. The BLKK's grade becomes that of its latest assessment."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Today, the model's default; Django would add a hidden copy of a callable
        # default, which this form has no use for.
        self.fields["assessed_on"].show_hidden_initial = False
