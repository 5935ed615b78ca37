"""BLKK registry, regions, trades, batches, trainees and what happens to them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from blkk_portal.constraints import choice_is_known
from blkk_portal.scoping import ReferenceQuerySet

from .managers import (
    BlkkHandoverQuerySet,
    BlkkQuerySet,
    EnrollmentQuerySet,
    TraineeQuerySet,
    TraineeRecordQuerySet,
    TrainingBatchQuerySet,
)
from .validators import (
    NIK_PATTERN,
    nik_agreement_errors,
    validate_blkk_code,
    validate_established_year,
    validate_nik,
    validate_not_future,
    validate_phone,
)

CERTIFICATE_VALID_YEARS = 3


class Province(models.Model):
    """A Kemendagri province; its two-digit code is its identity."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    """A regency or city (kabupaten/kota); codes keep their dot, as `32.73`."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="regencies",
        verbose_name=_("province"),
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("regency")
        verbose_name_plural = _("regencies")

    def __str__(self) -> str:
        return self.name


class VocationalField(models.Model):
    """A trade taught at BLKKs (kejuruan)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("vocational field")
        verbose_name_plural = _("vocational fields")

    def __str__(self) -> str:
        return self.name


class InstitutionType(models.TextChoices):
    PESANTREN = "pesantren", _("Pesantren")
    RELIGIOUS = "religious", _("Other religious institution")
    COMMUNITY = "community", _("Community organisation")
    UNION = "union", _("Trade union")
    OTHER = "other", _("Other")


class Grade(models.TextChoices):
    TUMBUH = "tumbuh", _("Tumbuh (licensed, running training)")
    BERKEMBANG = "berkembang", _("Berkembang (has partnerships)")
    MANDIRI = "mandiri", _("Mandiri (produces goods or services)")


class LspStatus(models.TextChoices):
    NONE = "none", _("No certification body")
    PREPARING = "preparing", _("Preparing a certification body")
    LICENSED = "licensed", _("Licensed certification body")


# What a BLKK manager may change on their own BLKK: its contact details.
BLKK_CONTACT_FIELDS = ("address", "phone", "email")
# A BLKK's LSP licence: its number and date exactly when its LSP is licensed.
LSP_LICENSE_NUMBER_REQUIRED = _(
    "A licensed certification body (LSP) needs its licence number."
)
LSP_LICENSED_ON_REQUIRED = _(
    "A licensed certification body (LSP) needs the date it was licensed."
)
LSP_LICENSE_ONLY_WHEN_LICENSED = _(
    "Only a licensed certification body (LSP) has a licence: set the status to "
    "licensed, or leave this empty."
)


class Blkk(models.Model):
    """A community training centre (BLK Komunitas) in the ministry's registry."""

    InstitutionType = InstitutionType
    Grade = Grade
    LspStatus = LspStatus
    code = models.CharField(
        _("registration code"),
        max_length=40,
        unique=True,
        validators=[validate_blkk_code],
    )
    name = models.CharField(_("name"), max_length=200)
    host_institution = models.CharField(_("host institution"), max_length=200)
    institution_type = models.CharField(
        _("institution type"), max_length=20, choices=InstitutionType.choices
    )
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        related_name="blkks",
        verbose_name=_("regency"),
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("email"), blank=True)
    established_year = models.PositiveSmallIntegerField(
        _("year established"),
        null=True,
        blank=True,
        validators=[validate_established_year],
    )
    vocational_fields = models.ManyToManyField(
        VocationalField,
        related_name="blkks",
        blank=True,
        verbose_name=_("vocational fields"),
    )
    # Today's grade: the latest grade assessment's, else `registered_grade`. Set
    # only by `services.grade_assessment_record` (and registration).
    grade = models.CharField(
        _("grade"), max_length=20, choices=Grade.choices, default=Grade.TUMBUH
    )
    # Set from `grade` when the BLKK is registered, never edited afterwards.
    registered_grade = models.CharField(
        _("grade at registration"),
        max_length=20,
        choices=Grade.choices,
        default=Grade.TUMBUH,
        editable=False,
    )
    lsp_status = models.CharField(
        _("certification body (LSP)"),
        max_length=20,
        choices=LspStatus.choices,
        default=LspStatus.NONE,
    )
    lsp_license_number = models.CharField(
        _("LSP licence number"),
        max_length=100,
        blank=True,
        help_text=_("Required exactly when the certification body is licensed."),
    )
    lsp_licensed_on = models.DateField(
        _("LSP licensed on"),
        null=True,
        blank=True,
        validators=[validate_not_future],
        help_text=_("Required exactly when the certification body is licensed."),
    )
    is_incubator = models.BooleanField(_("is an incubator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="managed_blkks",
        blank=True,
        verbose_name=_("managers"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BlkkQuerySet.as_manager()
    # Managers are not tracked here: the reverse side (`user.managed_blkks`) has no
    # history of its own, which django-simple-history's m2m tracking requires.
    history = HistoricalRecords(m2m_fields=[vocational_fields])

    class Meta:
        ordering = ["code"]
        verbose_name = _("BLKK")
        verbose_name_plural = _("BLKKs")
        constraints = [
            choice_is_known(
                "institution_type", InstitutionType, "blkk_institution_type_known"
            ),
            choice_is_known("grade", Grade, "blkk_grade_known"),
            choice_is_known("lsp_status", LspStatus, "blkk_lsp_status_known"),
            choice_is_known("registered_grade", Grade, "blkk_registered_grade_known"),
            models.CheckConstraint(
                condition=(
                    Q(
                        lsp_status=LspStatus.LICENSED,
                        lsp_licensed_on__isnull=False,
                    )
                    & ~Q(lsp_license_number="")
                )
                | (
                    ~Q(lsp_status=LspStatus.LICENSED)
                    & Q(lsp_license_number="", lsp_licensed_on__isnull=True)
                ),
                name="blkk_lsp_license_iff_licensed",
                violation_error_message=_(
                    "A licensed certification body has its licence number and date; "
                    "any other status has neither."
                ),
            ),
            models.UniqueConstraint(
                fields=["lsp_license_number"],
                condition=~Q(lsp_license_number=""),
                name="blkk_lsp_license_number_unique",
                # "unique" on one field: full_clean() puts the message on the field.
                violation_error_code="unique",
                violation_error_message=_(
                    "Another BLKK already holds this LSP licence number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(established_year__isnull=True)
                | Q(established_year__gte=1900),
                name="blkk_established_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        """The LSP licence, field by field: its number and date exactly when the
        certification body is licensed (the constraint `blkk_lsp_license_iff_licensed`
        holds the same rule in the database)."""
        errors = {}
        if self.lsp_status == LspStatus.LICENSED:
            if not self.lsp_license_number:
                errors["lsp_license_number"] = LSP_LICENSE_NUMBER_REQUIRED
            if self.lsp_licensed_on is None:
                errors["lsp_licensed_on"] = LSP_LICENSED_ON_REQUIRED
        else:
            if self.lsp_license_number:
                errors["lsp_license_number"] = LSP_LICENSE_ONLY_WHEN_LICENSED
            if self.lsp_licensed_on is not None:
                errors["lsp_licensed_on"] = LSP_LICENSE_ONLY_WHEN_LICENSED
        if errors:
            raise ValidationError(errors)


class BlkkHandover(models.Model):
    """A BLKK handed over from one of its managers to another person, in one step
    (`services.blkk_hand_over`): the history of who managed it. Kept apart from the
    BLKK's own history, which does not follow its managers."""

    blkk = models.ForeignKey(
        Blkk,
        on_delete=models.CASCADE,
        related_name="handovers",
        verbose_name=_("BLKK"),
    )
    # PROTECT: an account that took part in a hand-over is deactivated, not deleted,
    # so the history keeps its names.
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handovers_given",
        verbose_name=_("from manager"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handovers_received",
        verbose_name=_("to manager"),
        # What the admin's search offers; the service decides (and says why not).
        limit_choices_to={"role": "blkk_manager", "is_active": True},
    )
    handed_over_on = models.DateField(_("handed over on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = BlkkHandoverQuerySet.as_manager()

    class Meta:
        ordering = ["blkk", "-handed_over_on", "-pk"]
        verbose_name = _("BLKK hand-over")
        verbose_name_plural = _("BLKK hand-overs")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_user=F("to_user")),
                name="blkk_handover_to_someone_else",
                violation_error_message=_(
                    "Choose another person than the manager handing over."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blkk}: {self.from_user} -> {self.to_user}"


class TrainingBatch(models.Model):
    """One training run (angkatan) of a BLKK in one trade."""

    blkk = models.ForeignKey(
        Blkk, on_delete=models.PROTECT, related_name="batches", verbose_name=_("BLKK")
    )
    vocational_field = models.ForeignKey(
        VocationalField,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("vocational field"),
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=16,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TrainingBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("training batch")
        verbose_name_plural = _("training batches")
        constraints = [
            models.UniqueConstraint(
                fields=["blkk", "name"],
                name="batch_name_unique_per_blkk",
                violation_error_message=_(
                    "This BLKK already has a batch of that name."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="batch_ends_after_start",
                violation_error_message=_(
                    "The end date cannot be before the start date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=500),
                name="batch_capacity_range",
                violation_error_message=_("Capacity must be between 1 and 500."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    SD = "sd", _("Primary school (SD)")
    SMP = "smp", _("Junior secondary (SMP)")
    SMA = "sma", _("Senior secondary (SMA)")
    SMK = "smk", _("Vocational secondary (SMK)")
    DIPLOMA = "diploma", _("Diploma")
    S1 = "s1", _("Bachelor (S1)")
    S2_PLUS = "s2_plus", _("Master or higher (S2/S3)")


class PriorStatus(models.TextChoices):
    UNEMPLOYED = "unemployed", _("Unemployed")
    LAID_OFF = "laid_off", _("Laid off")
    WORKING = "working", _("Working")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class Trainee(models.Model):
    """A person trained (peserta), with one record nationwide, identified by NIK."""

    Gender = Gender
    Education = Education
    PriorStatus = PriorStatus
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        unique=True,
        validators=[validate_nik],
        help_text=_("16-digit national identity number (Nomor Induk Kependudukan)."),
        error_messages={"unique": _("A person with this NIK is already registered.")},
    )
    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        related_name="trainees",
        verbose_name=_("regency of residence"),
    )
    education = models.CharField(
        _("education"), max_length=10, choices=Education.choices
    )
    has_disability = models.BooleanField(_("has a disability"), default=False)
    prior_status = models.CharField(
        _("status before training"), max_length=12, choices=PriorStatus.choices
    )
    blkk = models.ForeignKey(
        Blkk,
        on_delete=models.PROTECT,
        related_name="registered_trainees",
        verbose_name=_("registering BLKK"),
    )
    registered_on = models.DateField(
        _("registered on"), default=timezone.localdate, validators=[validate_not_future]
    )
    consent_on = models.DateField(
        _("consent given on"),
        blank=True,
        help_text=_(
            "Date the person agreed to the processing of their data (UU 27/2022). "
            "Defaults to the registration date."
        ),
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("portal account"),
        help_text=_(
            "This person's own portal account, if they have one (a manager or mentor "
            "who also trained here): they never review an application they are on."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TraineeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        indexes = [
            models.Index(fields=["blkk", "registered_on"]),
            # Serves the default ordering: lists page through it without a sort.
            models.Index(fields=["full_name", "id"], name="trainee_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nik__regex=NIK_PATTERN),
                name="trainee_nik_16_digits",
                violation_error_message=_("NIK must be exactly 16 digits."),
            ),
            # Women's NIKs carry the birth day plus 40 (41-71), men's the day (01-31):
            # the day's first digit tells them apart. A pattern, not a cast, so that a
            # malformed NIK is refused by the constraints and never breaks the insert.
            models.CheckConstraint(
                condition=(
                    Q(nik__regex=r"^.{6}[4-7]", gender="F")
                    | Q(nik__regex=r"^.{6}[0-3]", gender="M")
                ),
                name="trainee_gender_agrees_with_nik",
                violation_error_message=_("Gender does not match the NIK."),
            ),
            choice_is_known("education", Education, "trainee_education_known"),
            choice_is_known("prior_status", PriorStatus, "trainee_prior_status_known"),
            models.CheckConstraint(
                condition=Q(birth_date__lt=F("registered_on")),
                name="trainee_born_before_registration",
                violation_error_message=_(
                    "The birth date must be before the registration date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.default_consent_date()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.default_consent_date()
        errors = nik_agreement_errors(self.nik, self.birth_date, self.gender)
        if errors:
            raise ValidationError(errors)

    def default_consent_date(self) -> None:
        """Consent is taken at registration unless recorded otherwise."""
        if self.consent_on is None and self.registered_on:
            self.consent_on = self.registered_on


class EnrollmentStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ACTIVE = "active", _("In training")
    COMPLETED = "completed", _("Completed")
    DROPPED = "dropped", _("Dropped out")


class Enrollment(models.Model):
    """A trainee's place in a batch."""

    Status = EnrollmentStatus
    trainee = models.ForeignKey(
        Trainee,
        # Erasing a person (UU 27/2022) erases their records with them.
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("trainee"),
    )
    batch = models.ForeignKey(
        TrainingBatch,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("batch"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.REGISTERED,
    )
    completed_on = models.DateField(
        _("completed on"),
        null=True,
        blank=True,
        validators=[validate_not_future],
        help_text=_("Set exactly when the status is completed."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EnrollmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        indexes = [
            models.Index(fields=["completed_on"]),
            models.Index(fields=["-created_at", "-id"], name="enrollment_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "batch"],
                name="enrollment_once_per_batch",
                violation_error_message=_(
                    "This person is already enrolled in this batch."
                ),
            ),
            choice_is_known("status", EnrollmentStatus, "enrollment_status_known"),
            models.CheckConstraint(
                condition=(
                    Q(status="completed", completed_on__isnull=False)
                    | (~Q(status="completed") & Q(completed_on__isnull=True))
                ),
                name="enrollment_completed_on_iff_completed",
                violation_error_message=_(
                    "The completion date is set exactly when the status is completed."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} - {self.batch}"

    def clean(self) -> None:
        if (
            self.completed_on
            and self.batch_id
            and self.completed_on < self.batch.start_date
        ):
            raise ValidationError(
                {
                    "completed_on": _(
                        "The completion date cannot be before the batch starts."
                    )
                }
            )


def recorded_by_blkk_field() -> models.ForeignKey:
    """The BLKK a record about a person was recorded for: its managers alone change
    it, though every BLKK that reaches the person reads it (DESIGN.md, "Roles and
    scoping"). Empty when ministry staff recorded it; then only they change it."""
    return models.ForeignKey(
        Blkk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by BLKK"),
        help_text=_(
            "The BLKK whose managers keep this record; empty for the ministry's own."
        ),
    )


class CertificationResult(models.TextChoices):
    COMPETENT = "competent", _("Competent")
    NOT_YET = "not_yet", _("Not yet competent")


class Certification(models.Model):
    """A competency certificate issued by a licensed certification body (LSP)."""

    Result = CertificationResult
    trainee = models.ForeignKey(
        Trainee,
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name=_("trainee"),
    )
    scheme = models.CharField(_("certification scheme"), max_length=200)
    lsp_name = models.CharField(_("certification body (LSP)"), max_length=200)
    issued_on = models.DateField(_("issued on"), validators=[validate_not_future])
    result = models.CharField(
        _("result"), max_length=10, choices=CertificationResult.choices
    )
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    recorded_by_blkk = recorded_by_blkk_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TraineeRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        indexes = [
            models.Index(fields=["-issued_on", "-id"], name="certification_recent_idx")
        ]
        constraints = [
            choice_is_known(
                "result", CertificationResult, "certification_result_known"
            ),
            models.UniqueConstraint(
                fields=["lsp_name", "number"],
                condition=~Q(number=""),
                name="certificate_number_unique_per_lsp",
                violation_error_message=_(
                    "This certification body already issued a certificate with this "
                    "number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} - {self.trainee}"

    @property
    def valid_until(self) -> datetime.date | None:
        """Certificates are valid for three years (29 February rolls to 28 February)."""
        if self.issued_on is None:
            return None
        try:
            return self.issued_on.replace(
                year=self.issued_on.year + CERTIFICATE_VALID_YEARS
            )
        except ValueError:
            return self.issued_on.replace(
                year=self.issued_on.year + CERTIFICATE_VALID_YEARS, day=28
            )


class OutcomeStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship (pemagangan)")
    MIGRANT_WORKER = "migrant_worker", _("Placed abroad (PMI)")
    STUDYING = "studying", _("Studying")
    UNEMPLOYED = "unemployed", _("Unemployed")


class GraduateOutcome(models.Model):
    """One tracer-study answer about a graduate; the latest one counts."""

    Status = OutcomeStatus
    trainee = models.ForeignKey(
        Trainee,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("trainee"),
    )
    surveyed_on = models.DateField(_("surveyed on"), validators=[validate_not_future])
    status = models.CharField(_("status"), max_length=20, choices=OutcomeStatus.choices)
    employer_or_business = models.CharField(
        _("employer or business"), max_length=200, blank=True
    )
    monthly_income = models.PositiveBigIntegerField(
        _("monthly income (IDR)"), null=True, blank=True
    )
    recorded_by_blkk = recorded_by_blkk_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TraineeRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-surveyed_on", "-pk"]
        verbose_name = _("graduate outcome")
        verbose_name_plural = _("graduate outcomes")
        indexes = [
            # "The latest answer per person" and the default ordering.
            models.Index(fields=["trainee", "-surveyed_on", "-id"]),
            models.Index(fields=["-surveyed_on", "-id"], name="outcome_recent_idx"),
        ]
        constraints = [
            choice_is_known("status", OutcomeStatus, "outcome_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} - {self.get_status_display()} ({self.surveyed_on})"

    def clean(self) -> None:
        if not self.trainee_id or not self.surveyed_on:
            return
        graduated = self.trainee.enrollments.filter(
            status=Enrollment.Status.COMPLETED, completed_on__lte=self.surveyed_on
        ).exists()
        if not graduated:
            raise ValidationError(
                {
                    "surveyed_on": _(
                        "An outcome is recorded for a graduate: this person has no "
                        "training completed on or before this date."
                    )
                }
            )


# The programme records live in their own module; importing them here makes them
# this app's models (`training.models.Instructor`). At the end: they import the
# models above.
from .programme_records import (  # noqa: E402, F401
    ROADMAP_CRITERIA,
    GradeAssessment,
    Instructor,
    InstructorQualification,
    Partner,
    Partnership,
    PartnershipPurpose,
    Placement,
    certified_on,
)

# --- issue #14: trainee reach ---------------------------------------------------------


class TraineeReach(models.Model):
    """One BLKK that reaches one person: the BLKK that registered them, or one whose
    batch enrolled them (DESIGN.md: enrolling by NIK makes a person visible there
    too). A derived table: PostgreSQL's triggers keep it equal to that union of the
    base tables on every write (migration 0011_trainee_reach), and the portal never
    writes it. The trainee scope reads it (`managers.trainee_ids_reached_by_blkks`):
    one index scan instead of a UNION over trainees, batches and enrollments.

    No door of its own (`kept_by_the_database`): it is read only inside the scopes of
    the models it serves, never listed, so it declares no access. The foreign keys
    carry no database constraint: the triggers are its integrity, and a bulk load
    (COPY) does not pay a second foreign-key check per pair."""

    # A table the database keeps from others (blkk_portal.access.is_portal_model).
    kept_by_the_database = True

    pk = models.CompositePrimaryKey("blkk", "trainee")
    blkk = models.ForeignKey(
        Blkk,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("BLKK"),
    )
    trainee = models.ForeignKey(
        Trainee,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("trainee"),
    )

    class Meta:
        verbose_name = _("BLKK reaching a trainee")
        verbose_name_plural = _("BLKKs reaching trainees")
        # The primary key's index serves "whom do these BLKKs reach" (blkk, trainee);
        # this one "which BLKKs reach this person", index-only.
        indexes = [
            models.Index(fields=["trainee", "blkk"], name="trainee_reach_trainee_idx")
        ]

    def __str__(self) -> str:
        return f"{self.blkk_id} -> {self.trainee_id}"
