"""API serializers of the training app (DESIGN.md, "REST API contract")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from blkk_portal.accounts.models import Role
from blkk_portal.api.fields import OnlyWritableRow, ScopedRelatedField
from blkk_portal.api.representation import FastRepresentation
from blkk_portal.api.serializers import PortalModelSerializer
from training import services
from training.models import (
    ROADMAP_CRITERIA,
    Blkk,
    Certification,
    Enrollment,
    GradeAssessment,
    GraduateOutcome,
    Partner,
    Partnership,
    PartnershipPurpose,
    Placement,
    Province,
    Regency,
    Trainee,
    TrainingBatch,
    VocationalField,
)
from training.programme_records import (
    PARTNERSHIP_PURPOSES,
    Instructor,
    InstructorQualification,
)
from training.validators import mask_nik, validate_nik


class ProvinceSerializer(FastRepresentation):
    id = serializers.CharField(source="pk", read_only=True)

    class Meta:
        model = Province
        fields = ["id", "code", "name"]


class RegencySerializer(FastRepresentation):
    id = serializers.CharField(source="pk", read_only=True)

    class Meta:
        model = Regency
        fields = ["id", "code", "name", "province"]


class VocationalFieldSerializer(PortalModelSerializer):
    class Meta:
        model = VocationalField
        services = services.VOCATIONAL_FIELDS
        fields = ["id", "code", "name"]


class BlkkSerializer(PortalModelSerializer):
    regency = serializers.PrimaryKeyRelatedField(
        queryset=Regency.objects.all(), help_text=_("Regency code, as 32.73.")
    )
    vocational_fields = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=VocationalField.objects.all(),
        required=False,
        help_text=_("Codes of the trades taught."),
    )

    class Meta:
        model = Blkk
        services = services.BLKKS
        fields = [
            "id",
            "code",
            "name",
            "host_institution",
            "institution_type",
            "regency",
            "address",
            "phone",
            "email",
            "established_year",
            "vocational_fields",
            "grade",
            "lsp_status",
            "lsp_license_number",
            "lsp_licensed_on",
            "is_incubator",
            "is_active",
        ]
        extra_kwargs = {
            "grade": {
                "help_text": _(
                    "Today's grade: given on create (the grade at registration); "
                    "afterwards it changes only by recording a grade assessment "
                    "(grade-assessments), and a change here answers 400."
                )
            },
        }


class TrainingBatchSerializer(PortalModelSerializer):
    blkk = ScopedRelatedField(
        queryset=Blkk.objects.all(),
        rows_for=Blkk.objects.writable_by,
        default=OnlyWritableRow(Blkk.objects.writable_by),
        help_text=_("Defaults to your BLKK when you manage exactly one."),
    )
    vocational_field = serializers.SlugRelatedField(
        slug_field="code", queryset=VocationalField.objects.all()
    )

    class Meta:
        model = TrainingBatch
        services = services.BATCHES
        fields = [
            "id",
            "blkk",
            "vocational_field",
            "name",
            "start_date",
            "end_date",
            "capacity",
        ]


NIK_TAKEN_MESSAGE = _(
    "A person with this NIK is already registered. To train them here, enroll them "
    "in a batch by their NIK (enrollments, trainee_nik) instead of registering them "
    "again."
)

# What a mentor sees of a founder (DESIGN.md, "Roles and scoping": name, phone and
# the masked NIK). Personal data goes no further than the work needs (UU 27/2022).
MENTOR_FIELDS = ("id", "nik", "full_name", "phone")


class TraineeSerializer(PortalModelSerializer):
    """The NIK is whole for ministry staff and the managers of the person's BLKKs,
    masked for everyone else; a mentor sees only a founder's name, phone and masked
    NIK."""

    regency = serializers.PrimaryKeyRelatedField(
        queryset=Regency.objects.all(), help_text=_("Regency code, as 32.73.")
    )
    blkk = ScopedRelatedField(
        queryset=Blkk.objects.all(),
        rows_for=Blkk.objects.writable_by,
        default=OnlyWritableRow(Blkk.objects.writable_by),
        help_text=_(
            "The registering BLKK; defaults to yours when you manage exactly one."
        ),
    )

    class Meta:
        model = Trainee
        services = services.TRAINEES
        fields = [
            "id",
            "nik",
            "full_name",
            "gender",
            "birth_date",
            "phone",
            "regency",
            "education",
            "has_disability",
            "prior_status",
            "blkk",
            "registered_on",
            "consent_on",
        ]
        extra_kwargs = {
            "consent_on": {"required": False},
            "nik": {
                "help_text": _("Masked as 3273********0001 unless yours to see."),
                # One record per person nationwide: the answer says what to do
                # instead, and nothing about where the person was registered.
                "validators": [
                    validate_nik,
                    UniqueValidator(
                        queryset=Trainee.objects.all(), message=NIK_TAKEN_MESSAGE
                    ),
                ],
            },
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if getattr(instance, "full_nik_visible", False):
            return data
        data["nik"] = mask_nik(instance.nik)
        if self.context["request"].user.role == Role.PROVINCE:
            return data
        return {name: data[name] for name in MENTOR_FIELDS}

    def save(self, **kwargs):
        trainee = super().save(**kwargs)
        # Whoever may write a person is ministry staff or a manager of one of the
        # person's BLKKs: both see the whole NIK (see `with_full_nik_flag`).
        trainee.full_nik_visible = True
        return trainee


class EnrollmentSerializer(PortalModelSerializer):
    """`trainee` (someone you already reach) or `trainee_nik` (anyone, by their exact
    NIK, which is how another BLKK's person is enrolled here) on create."""

    trainee = ScopedRelatedField(
        queryset=Trainee.objects.all(),
        rows_for=Trainee.objects.visible_to,
        required=False,
    )
    trainee_nik = serializers.CharField(
        write_only=True,
        required=False,
        min_length=16,
        max_length=16,
        validators=[validate_nik],
        help_text=_("On create: enroll the person registered with this exact NIK."),
    )
    batch = ScopedRelatedField(
        queryset=TrainingBatch.objects.all(),
        rows_for=TrainingBatch.objects.writable_by,
    )

    class Meta:
        model = Enrollment
        services = services.ENROLLMENTS
        fields = ["id", "trainee", "trainee_nik", "batch", "status", "completed_on"]

    def validate(self, attrs):
        nik = attrs.pop("trainee_nik", None)
        if self.instance is not None:
            if nik:
                # `trainee_nik` names the person of a new enrollment; on an update
                # it asks for another person, which the service refuses anyway.
                raise serializers.ValidationError(
                    {"trainee": [services.ENROLLMENT_FIXED["trainee"]]}
                )
            return attrs
        if nik and "trainee" in attrs:
            raise serializers.ValidationError(
                {"trainee_nik": [_("Give either trainee or trainee_nik, not both.")]}
            )
        if nik:
            # The portal's enroll page looks the person up the same way.
            attrs["trainee"] = services.enrollment_person_by_nik(
                trainee_nik=nik,
                batch=attrs["batch"],
                status=attrs.get("status", Enrollment.Status.REGISTERED),
            )
        if "trainee" not in attrs:
            raise serializers.ValidationError(
                {"trainee": [_("Give the person: trainee (id) or trainee_nik.")]}
            )
        return attrs


def recorded_by_blkk_field() -> ScopedRelatedField:
    return ScopedRelatedField(
        queryset=Blkk.objects.all(),
        rows_for=Blkk.objects.writable_by,
        required=False,
        allow_null=True,
        help_text=_(
            "The BLKK whose managers keep this record: one of yours that registered "
            "or enrolled the person (by default the one that registered them, else "
            "the one that enrolled them). Empty for the ministry's own records; "
            "fixed once recorded."
        ),
    )


class CertificationSerializer(PortalModelSerializer):
    trainee = ScopedRelatedField(
        queryset=Trainee.objects.all(), rows_for=Trainee.objects.writable_by
    )
    recorded_by_blkk = recorded_by_blkk_field()
    valid_until = serializers.DateField(read_only=True)

    class Meta:
        model = Certification
        services = services.CERTIFICATIONS
        fields = [
            "id",
            "trainee",
            "scheme",
            "lsp_name",
            "issued_on",
            "result",
            "number",
            "valid_until",
            "recorded_by_blkk",
        ]


class GraduateOutcomeSerializer(PortalModelSerializer):
    trainee = ScopedRelatedField(
        queryset=Trainee.objects.all(), rows_for=Trainee.objects.writable_by
    )
    recorded_by_blkk = recorded_by_blkk_field()

    class Meta:
        model = GraduateOutcome
        services = services.OUTCOMES
        fields = [
            "id",
            "trainee",
            "surveyed_on",
            "status",
            "employer_or_business",
            "monthly_income",
            "recorded_by_blkk",
        ]


# --- placements -----------------------------------------------------------------------


class PlacementSerializer(PortalModelSerializer):
    """A person placed with a partner (pemagangan, skema penempatan). The partner
    is any (shared reference data); the partnership one the caller sees (a
    manager: their BLKK's or a national one), with the same partner."""

    trainee = ScopedRelatedField(
        queryset=Trainee.objects.all(),
        rows_for=Trainee.objects.writable_by,
        help_text=_("Fixed once recorded."),
    )
    partner = ScopedRelatedField(
        queryset=Partner.objects.all(), rows_for=Partner.objects.visible_to
    )
    partnership = ScopedRelatedField(
        queryset=Partnership.objects.all(),
        rows_for=Partnership.objects.visible_to,
        required=False,
        allow_null=True,
        help_text=_("Optional: the agreement, with the same partner."),
    )
    recorded_by_blkk = recorded_by_blkk_field()

    class Meta:
        model = Placement
        services = services.PLACEMENTS
        fields = [
            "id",
            "trainee",
            "partner",
            "partnership",
            "kind",
            "position",
            "start_date",
            "end_date",
            "monthly_pay",
            "status",
            "recorded_by_blkk",
        ]


# --- instructors and qualifications ---------------------------------------------------


class InstructorQualificationSerializer(PortalModelSerializer):
    instructor = ScopedRelatedField(
        queryset=Instructor.objects.all(),
        rows_for=Instructor.objects.writable_by,
        help_text=_("An instructor of your BLKK; fixed once recorded."),
    )

    class Meta:
        model = InstructorQualification
        services = services.QUALIFICATIONS
        fields = [
            "id",
            "instructor",
            "kind",
            "title",
            "issuer",
            "number",
            "issued_on",
            "valid_until",
        ]


class InstructorSerializer(PortalModelSerializer):
    blkk = ScopedRelatedField(
        queryset=Blkk.objects.all(),
        rows_for=Blkk.objects.writable_by,
        default=OnlyWritableRow(Blkk.objects.writable_by),
        help_text=_("Defaults to your BLKK when you manage exactly one."),
    )
    vocational_fields = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=VocationalField.objects.all(),
        required=False,
        help_text=_("Codes of the trades the instructor teaches."),
    )
    qualifications = InstructorQualificationSerializer(
        many=True,
        read_only=True,
        help_text=_(
            "The instructor's qualifications, latest first; recorded through "
            "instructor-qualifications."
        ),
    )

    class Meta:
        model = Instructor
        services = services.INSTRUCTORS
        fields = [
            "id",
            "blkk",
            "full_name",
            "gender",
            "phone",
            "vocational_fields",
            "employment",
            "is_active",
            "qualifications",
        ]


# --- partners and partnerships --------------------------------------------------------


PURPOSE_CODES = [code for code, _label in PARTNERSHIP_PURPOSES]


class PartnerSerializer(PortalModelSerializer):
    """Shared reference data: everyone signed in reads every partner; managers add
    them (a name already recorded in the same regency is refused, naming it),
    ministry staff change and delete them."""

    regency = serializers.PrimaryKeyRelatedField(
        queryset=Regency.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Regency code, as 32.73; empty when it has none."),
    )

    class Meta:
        model = Partner
        services = services.PARTNERS
        fields = ["id", "name", "kind", "regency", "contact_name", "phone", "email"]


class PurposeCodesField(serializers.ListField):
    """A partnership's purposes as a list of codes: at least one, each once (a
    repeat is refused, not dropped), looked up in one query."""

    default_error_messages = {
        # The service's own words, as the portal's form shows them.
        "empty": services.PURPOSES_REQUIRED,
        "unknown": _("{code} is not a known purpose."),
    }

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.ChoiceField(choices=PURPOSE_CODES),
            allow_empty=False,
            # Room for a repeat, so that it is named rather than counted.
            max_length=2 * len(PURPOSE_CODES),
            **kwargs,
        )

    def to_internal_value(self, data):
        codes = super().to_internal_value(data)
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                raise serializers.ValidationError(
                    services.PURPOSE_REPEATED % {"purpose": code}, code="repeated"
                )
            seen.add(code)
        rows = PartnershipPurpose.objects.in_bulk(codes)
        missing = [code for code in codes if code not in rows]
        if missing:
            # A code the reference table lacks: its data migration was undone.
            self.fail("unknown", code=missing[0])
        return [rows[code] for code in codes]

    def to_representation(self, data):
        # In DESIGN.md's order, from the prefetched rows.
        codes = {purpose.pk for purpose in data.all()}
        return [code for code in PURPOSE_CODES if code in codes]


class PartnershipSerializer(PortalModelSerializer):
    """A BLKK's partnership, written by its managers, or the ministry's national one
    (`blkk` null), read by everyone signed in and written by ministry staff alone."""

    partner = ScopedRelatedField(
        queryset=Partner.objects.all(), rows_for=Partner.objects.visible_to
    )
    blkk = ScopedRelatedField(
        queryset=Blkk.objects.all(),
        rows_for=Blkk.objects.writable_by,
        allow_null=True,
        default=OnlyWritableRow(Blkk.objects.writable_by),
        help_text=_(
            "Null for a national partnership of the ministry (ministry staff only); "
            "defaults to your BLKK when you manage exactly one."
        ),
    )
    purposes = PurposeCodesField(
        help_text=_(
            "One or more of training, apprenticeship, placement, certification, "
            "assessment_research, funding, market_access, mentoring; each once."
        )
    )
    is_active = serializers.BooleanField(
        read_only=True,
        help_text=_("In force today: started, and not ended (Asia/Jakarta)."),
    )

    class Meta:
        model = Partnership
        services = services.PARTNERSHIPS
        fields = [
            "id",
            "partner",
            "blkk",
            "purposes",
            "agreement_number",
            "signed_on",
            "start_date",
            "end_date",
            "is_active",
        ]


# --- grade assessments ----------------------------------------------------------------


class GradeAssessmentSerializer(PortalModelSerializer):
    """Recorded, changed and deleted by ministry staff alone (the role's permission
    answers 403 to anyone else); the assessor is whoever records it."""

    blkk = ScopedRelatedField(
        queryset=Blkk.objects.all(), rows_for=Blkk.objects.visible_to
    )
    assessed_by = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text=_("The user who recorded the assessment (empty when a command did)."),
    )

    class Meta:
        model = GradeAssessment
        services = services.GRADE_ASSESSMENTS
        fields = [
            "id",
            "blkk",
            "assessed_on",
            "assessed_by",
            "grade",
            *ROADMAP_CRITERIA,
            "note",
        ]
        extra_kwargs = {
            "assessed_on": {"help_text": _("Defaults to today; never in the future.")},
            "grade": {
                "help_text": _(
                    "The grade the assessor gives (not derived from the criteria); "
                    "the BLKK's grade becomes its latest assessment's."
                )
            },
        }
