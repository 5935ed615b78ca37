"""Programme records of the ministry's strategy for BLKK independence.

Instructors and their qualifications (kapasitas instruktur), partners and
partnerships (kemitraan), placements (pemagangan, skema penempatan) and grade
assessments (Peta Jalan Kemandirian BLKK). DESIGN.md, "Programme records the seeds
name". Imported by `training.models`, whose models these are.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from blkk_portal.constraints import choice_is_known
from blkk_portal.scoping import ReferenceQuerySet

from .managers import (
    GradeAssessmentQuerySet,
    InstructorQualificationQuerySet,
    InstructorQuerySet,
    PartnerQuerySet,
    PartnershipQuerySet,
    PlacementQuerySet,
)
from .models import (
    Blkk,
    Enrollment,
    EnrollmentStatus,
    Gender,
    Grade,
    Regency,
    Trainee,
    VocationalField,
    recorded_by_blkk_field,
)
from .validators import validate_not_future, validate_phone, validate_phone_number

ENDS_AFTER_START = _("The end date cannot be before the start date.")


def ends_after_start(name: str, start: str = "start_date", end: str = "end_date"):
    """An optional end date on or after the start date."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=ENDS_AFTER_START,
    )


# --- instructors ----------------------------------------------------------------------


class Employment(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    CONTRACT = "contract", _("Contract")
    VOLUNTEER = "volunteer", _("Volunteer")


class Instructor(models.Model):
    """An instructor teaching at a BLKK (kapasitas instruktur)."""

    Employment = Employment
    Gender = Gender
    blkk = models.ForeignKey(
        Blkk,
        on_delete=models.PROTECT,
        related_name="instructors",
        verbose_name=_("BLKK"),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    vocational_fields = models.ManyToManyField(
        VocationalField,
        related_name="instructors",
        blank=True,
        verbose_name=_("vocational fields"),
    )
    employment = models.CharField(
        _("employment"), max_length=12, choices=Employment.choices
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InstructorQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[vocational_fields])

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        indexes = [models.Index(fields=["blkk", "is_active"])]
        constraints = [
            choice_is_known("gender", Gender, "instructor_gender_known"),
            choice_is_known("employment", Employment, "instructor_employment_known"),
        ]

    def __str__(self) -> str:
        return self.full_name


class QualificationKind(models.TextChoices):
    COMPETENCY = "competency", _("Competency certificate")
    METHODOLOGY = "methodology", _("Training methodology")
    TOT = "tot", _("Training of trainers (TOT)")


class InstructorQualification(models.Model):
    """A qualification an instructor holds. An instructor is certified on a date when
    they hold a competency qualification valid on it (`certified_on`)."""

    Kind = QualificationKind
    instructor = models.ForeignKey(
        Instructor,
        on_delete=models.CASCADE,
        related_name="qualifications",
        verbose_name=_("instructor"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=QualificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200)
    number = models.CharField(_("number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), validators=[validate_not_future])
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InstructorQualificationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("instructor qualification")
        verbose_name_plural = _("instructor qualifications")
        constraints = [
            choice_is_known("kind", QualificationKind, "qualification_kind_known"),
            ends_after_start(
                "qualification_valid_after_issue", "issued_on", "valid_until"
            ),
            models.UniqueConstraint(
                fields=["issuer", "number"],
                condition=~Q(number=""),
                name="qualification_number_unique_per_issuer",
                violation_error_message=_(
                    "This issuer already issued a qualification with this number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} - {self.instructor}"


def certified_on(day: datetime.date) -> Q:
    """Qualifications that make their instructor certified on `day`: a competency
    qualification issued on or before it and valid on it (no end: valid)."""
    return Q(kind=QualificationKind.COMPETENCY, issued_on__lte=day) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )


# --- partners and partnerships -------------------------------------------------------


class PartnerKind(models.TextChoices):
    INDUSTRY = "industry", _("Industry")
    UNIVERSITY = "university", _("University")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    CENTRAL_GOVERNMENT = "central_government", _("Central government")
    ASSOCIATION = "association", _("Association")
    FINANCIAL = "financial", _("Financial institution")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")


class Partner(models.Model):
    """An organisation BLKKs and the ministry work with: companies, universities
    (IPB, UIN Sunan Ampel), local governments. Shared reference data: no personal
    data beyond an office contact."""

    Kind = PartnerKind
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("regency"),
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone_number]
    )
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PartnerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            choice_is_known("kind", PartnerKind, "partner_kind_known"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnershipPurpose(models.Model):
    """What a partnership is for; a fixed list loaded by a data migration, so that
    a partnership's purposes are one or more rows, never repeated."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("partnership purpose")
        verbose_name_plural = _("partnership purposes")

    def __str__(self) -> str:
        return self.name


# The purposes of DESIGN.md, in its order: (code, label).
PARTNERSHIP_PURPOSES = (
    ("training", _("Training")),
    ("apprenticeship", _("Apprenticeship (pemagangan)")),
    ("placement", _("Placement (penempatan)")),
    ("certification", _("Certification")),
    ("assessment_research", _("Assessment and research")),
    ("funding", _("Funding")),
    ("market_access", _("Market access")),
    ("mentoring", _("Mentoring")),
)
EXPIRING_WITHIN_DAYS = 60


class Partnership(models.Model):
    """An agreement (kemitraan) between a partner and a BLKK, or the ministry's own
    national agreement (no BLKK); in force from its start through its end."""

    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("partner"),
    )
    blkk = models.ForeignKey(
        Blkk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
        verbose_name=_("BLKK"),
        help_text=_("Empty for a national partnership of the ministry."),
    )
    purposes = models.ManyToManyField(
        PartnershipPurpose, related_name="partnerships", verbose_name=_("purposes")
    )
    agreement_number = models.CharField(
        _("agreement number"), max_length=100, blank=True
    )
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, validators=[validate_not_future]
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PartnershipQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[purposes])

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        indexes = [models.Index(fields=["blkk", "end_date"])]
        constraints = [
            ends_after_start("partnership_ends_after_start"),
        ]

    def __str__(self) -> str:
        where = self.blkk.name if self.blkk_id else _("national")
        return f"{self.partner} - {where}"

    def clean(self) -> None:
        # The constraint's rule, said beside the field to correct; `full_clean` then
        # skips the constraint, whose field already failed.
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": ENDS_AFTER_START})

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (
            self.end_date is None or day <= self.end_date
        )

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())


# --- placements -----------------------------------------------------------------------


class PlacementKind(models.TextChoices):
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship (pemagangan)")
    EMPLOYMENT = "employment", _("Employment")
    MIGRANT_WORK = "migrant_work", _("Work abroad (PMI)")


class PlacementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


# A placement that has ended has an end date.
ENDED_PLACEMENT_STATUSES = (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)
NOT_A_GRADUATE = _(
    "A placement is for a graduate: this person has no training completed on or "
    "before the start date (an apprenticeship may also start during training)."
)
PARTNERSHIP_OF_ANOTHER_PARTNER = _("This partnership is with another partner.")


class Placement(models.Model):
    """A graduate placed through the programme (pemagangan, skema penempatan)."""

    Kind = PlacementKind
    Status = PlacementStatus
    trainee = models.ForeignKey(
        Trainee,
        on_delete=models.CASCADE,
        related_name="placements",
        verbose_name=_("trainee"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("partner"),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("partnership"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PlacementKind.choices)
    position = models.CharField(_("position"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    monthly_pay = models.PositiveBigIntegerField(
        _("monthly pay (IDR)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10_000_000_000)],
        help_text=_("For an apprenticeship, the allowance."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PLANNED,
    )
    recorded_by_blkk = recorded_by_blkk_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        indexes = [models.Index(fields=["start_date"])]
        constraints = [
            choice_is_known("kind", PlacementKind, "placement_kind_known"),
            choice_is_known("status", PlacementStatus, "placement_status_known"),
            ends_after_start("placement_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status__in=ENDED_PLACEMENT_STATUSES)
                | Q(end_date__isnull=False),
                name="placement_ended_has_end_date",
                violation_error_message=_(
                    "A completed or ended placement needs its end date."
                ),
            ),
            # A placement only for a graduate (except an apprenticeship) and its
            # partnership with the same partner involve other rows: they are the
            # trigger `training_placement_rules` of migration 0009 on PostgreSQL,
            # and `clean()` everywhere.
        ]

    def __str__(self) -> str:
        return f"{self.trainee} - {self.partner} ({self.start_date})"

    def clean(self) -> None:
        errors = {}
        if (
            self.partnership_id
            and self.partner_id
            and self.partnership.partner_id != self.partner_id
        ):
            errors["partnership"] = PARTNERSHIP_OF_ANOTHER_PARTNER
        if (
            self.trainee_id
            and self.start_date
            and self._rules_fields_set()
            and not self.trainee_may_start()
        ):
            errors["start_date"] = NOT_A_GRADUATE
        if errors:
            raise ValidationError(errors)

    def _rules_fields_set(self) -> bool:
        """Whether this save sets a field the database's trigger checks the rules on
        (a new row: all of them). As the trigger, the person's training is checked
        when the placement is made or its person, partner, kind or start change, not
        again when only its status, end or pay do: an apprenticeship started during
        a training later dropped can still be marked ended early."""
        if self._state.adding or self.pk is None:
            return True
        stored = Placement.objects.filter(
            pk=self.pk,
            trainee_id=self.trainee_id,
            partner_id=self.partner_id,
            partnership_id=self.partnership_id,
            kind=self.kind,
            start_date=self.start_date,
        )
        return not stored.exists()

    def trainee_may_start(self) -> bool:
        """A training completed on or before the start; for an apprenticeship, any
        enrollment that is not dropped (it may start during training)."""
        enrollments = Enrollment.objects.filter(trainee_id=self.trainee_id)
        if self.kind == PlacementKind.APPRENTICESHIP:
            qualifying = ~Q(status=EnrollmentStatus.DROPPED)
        else:
            qualifying = Q(
                status=EnrollmentStatus.COMPLETED, completed_on__lte=self.start_date
            )
        return enrollments.filter(qualifying).exists()


# --- grade assessments ---------------------------------------------------------------

# The criteria of the roadmap to independence, in the order the ministry lists them.
ROADMAP_CRITERIA = (
    "has_competent_managers",
    "has_certified_instructors",
    "is_licensed",
    "tracks_alumni",
    "has_partnerships",
    "produces_goods_or_services",
    "is_self_funding",
)


def criterion(label):
    return models.BooleanField(label, default=False)


class GradeAssessment(models.Model):
    """An assessment of a BLKK against the roadmap to independence (Peta Jalan
    Kemandirian BLKK). The assessor gives the grade (it is not derived from the
    criteria); a BLKK's grade on a date is its latest assessment's on or before
    that date, else the grade it was registered with."""

    Grade = Grade
    blkk = models.ForeignKey(
        Blkk,
        on_delete=models.PROTECT,
        related_name="grade_assessments",
        verbose_name=_("BLKK"),
    )
    assessed_on = models.DateField(
        _("assessed on"), default=timezone.localdate, validators=[validate_not_future]
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    has_competent_managers = criterion(_("competent managers"))
    has_certified_instructors = criterion(_("certified instructors"))
    is_licensed = criterion(_("licensed (LSP)"))
    tracks_alumni = criterion(_("alumni database"))
    has_partnerships = criterion(_("partnerships with government and industry"))
    produces_goods_or_services = criterion(_("produces goods or services"))
    is_self_funding = criterion(_("self-funding (paid training or incubator)"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GradeAssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("grade assessment")
        verbose_name_plural = _("grade assessments")
        indexes = [
            # "The latest assessment on or before a date", per BLKK.
            models.Index(
                fields=["blkk", "-assessed_on", "-id"], name="assessment_latest_idx"
            )
        ]
        constraints = [
            choice_is_known("grade", Grade, "assessment_grade_known"),
        ]

    def __str__(self) -> str:
        return f"{self.blkk} - {self.get_grade_display()} ({self.assessed_on})"

    def missing_criteria(self) -> list[str]:
        """The names of the roadmap criteria this assessment found unmet."""
        return [name for name in ROADMAP_CRITERIA if not getattr(self, name)]
