"""Incubation: cohorts, ventures, their stages, milestones, monthly metrics."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from blkk_portal.constraints import choice_is_known
from training.models import Blkk, Trainee
from training.validators import validate_nib, validate_not_future

from .managers import (
    CohortQuerySet,
    MilestoneQuerySet,
    StageChangeQuerySet,
    VentureMetricQuerySet,
    VentureQuerySet,
)


class Stage(models.TextChoices):
    PRE_INCUBATION = "pre_incubation", _("Pre-incubation")
    INCUBATION = "incubation", _("Incubation")
    POST_INCUBATION = "post_incubation", _("Post-incubation")
    GRADUATED = "graduated", _("Graduated")
    DROPPED = "dropped", _("Dropped out")


# Stages move forward in this order and may skip; any non-final stage may drop.
STAGE_ORDER = (
    Stage.PRE_INCUBATION,
    Stage.INCUBATION,
    Stage.POST_INCUBATION,
    Stage.GRADUATED,
)
FINAL_STAGES = frozenset({Stage.GRADUATED, Stage.DROPPED})
ACTIVE_STAGES = frozenset(
    {Stage.PRE_INCUBATION, Stage.INCUBATION, Stage.POST_INCUBATION}
)


def stage_move_allowed(from_stage: str, to_stage: str) -> bool:
    if to_stage not in Stage.values or from_stage not in Stage.values:
        return False
    if from_stage in FINAL_STAGES or from_stage == to_stage:
        return False
    if to_stage == Stage.DROPPED:
        return True
    return STAGE_ORDER.index(to_stage) > STAGE_ORDER.index(from_stage)


def stage_moves_from(from_stage: str) -> list[Stage]:
    """The stages a venture at `from_stage` may move to, in the stages' order: the
    rule of `stage_move_allowed`, for pages that offer only the allowed moves."""
    return [stage for stage in Stage if stage_move_allowed(from_stage, stage)]


class CohortStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class Cohort(models.Model):
    """An incubation cohort hosted by a BLKK."""

    Status = CohortStatus
    blkk = models.ForeignKey(
        Blkk, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("BLKK")
    )
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CohortStatus.choices,
        default=CohortStatus.PLANNED,
    )
    applications_open_on = models.DateField(
        _("applications open on"),
        null=True,
        blank=True,
        help_text=_("Empty: the cohort takes no applications."),
    )
    applications_close_on = models.DateField(
        _("applications close on"),
        null=True,
        blank=True,
        help_text=_(
            "Inclusive; empty: applications stay open until the cohort closes."
        ),
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(
                fields=["blkk", "name"],
                name="cohort_name_unique_per_blkk",
                violation_error_message=_(
                    "This BLKK already has a cohort of that name."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="cohort_ends_after_start",
                violation_error_message=_(
                    "The end date cannot be before the start date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="cohort_year_range"
            ),
            choice_is_known("status", CohortStatus, "cohort_status_known"),
            models.CheckConstraint(
                condition=Q(applications_close_on__isnull=True)
                | (
                    Q(applications_open_on__isnull=False)
                    & Q(applications_close_on__gte=F("applications_open_on"))
                ),
                name="cohort_applications_close_after_open",
                violation_error_message=_(
                    "Applications cannot close before they open, nor close without "
                    "an opening date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def takes_applications_on(self, day: datetime.date) -> bool:
        """DESIGN.md: from the open date through the close date inclusive (no close
        date: until the cohort is closed; no open date: none). A closed cohort takes
        none, whatever its close date says."""
        return (
            self.status != CohortStatus.CLOSED
            and self.applications_open_on is not None
            and self.applications_open_on <= day
            and (
                self.applications_close_on is None or day <= self.applications_close_on
            )
        )


class Venture(models.Model):
    """A business being incubated (wirausaha binaan), founded by trainees.

    `stage` is changed only by `incubator.services.venture_change_stage`, which
    records every move in `StageChange`.
    """

    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        related_name="ventures",
        verbose_name=_("cohort"),
    )
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=100)
    founders = models.ManyToManyField(
        Trainee, related_name="ventures", verbose_name=_("founders")
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PRE_INCUBATION
    )
    nib = models.CharField(
        _("NIB"),
        max_length=13,
        blank=True,
        validators=[validate_nib],
        help_text=_("Business identification number from OSS (13 digits)."),
    )
    started_on = models.DateField(_("started on"), validators=[validate_not_future])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VentureQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[founders])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("venture")
        verbose_name_plural = _("ventures")
        constraints = [
            choice_is_known("stage", Stage, "venture_stage_known"),
            models.CheckConstraint(
                condition=Q(nib="") | Q(nib__regex=r"^[0-9]{13}$"),
                name="venture_nib_13_digits",
                violation_error_message=_("NIB must be exactly 13 digits."),
            ),
            models.UniqueConstraint(
                fields=["nib"],
                condition=~Q(nib=""),
                name="venture_nib_unique",
                violation_error_message=_("Another venture already has this NIB."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """One move of a venture between stages; the first has no `from_stage`."""

    venture = models.ForeignKey(
        Venture,
        on_delete=models.CASCADE,
        related_name="stage_changes",
        verbose_name=_("venture"),
    )
    from_stage = models.CharField(
        _("from stage"), max_length=20, choices=Stage.choices, blank=True
    )
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    changed_on = models.DateField(_("changed on"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = StageChangeQuerySet.as_manager()

    class Meta:
        ordering = ["venture", "changed_on", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [
            models.Index(fields=["changed_on", "to_stage"]),
            # A venture's stage on a day is its latest change on or before it (the
            # KPIs, the dashboards, the reminders): one step down this index.
            models.Index(
                fields=["venture", "-changed_on", "-id"],
                name="stage_change_latest_idx",
            ),
        ]
        constraints = [
            choice_is_known("to_stage", Stage, "stage_change_to_known"),
            models.CheckConstraint(
                condition=Q(from_stage__in=[*Stage.values, ""]),
                name="stage_change_from_known",
            ),
            models.CheckConstraint(
                condition=~Q(from_stage=F("to_stage")), name="stage_change_moves"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venture}: {self.from_stage or '-'} -> {self.to_stage}"


class Milestone(models.Model):
    venture = models.ForeignKey(
        Venture,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("venture"),
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(
        _("done on"), null=True, blank=True, validators=[validate_not_future]
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["venture", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class VentureMetric(models.Model):
    """A venture's figures for one month; `period` is the month's first day."""

    venture = models.ForeignKey(
        Venture,
        on_delete=models.CASCADE,
        related_name="metrics",
        verbose_name=_("venture"),
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    revenue = models.PositiveBigIntegerField(_("revenue (IDR)"), default=0)
    workers = models.PositiveIntegerField(_("workers"), default=0)
    customers = models.PositiveIntegerField(_("customers"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VentureMetricQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        # By venture id, not name: the unique (venture, period) index serves it.
        ordering = ["venture_id", "-period"]
        verbose_name = _("venture metric")
        verbose_name_plural = _("venture metrics")
        indexes = [
            # A month's metrics (the KPI pass) and the API's keyset cursor, newest
            # first with the id breaking ties: one index serves both.
            models.Index(fields=["period", "id"], name="metric_period_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["venture", "period"],
                name="metric_once_per_venture_month",
                violation_error_message=_("This venture already reported that month."),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="metric_period_first_of_month",
                violation_error_message=_("The month is stored as its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venture} {self.period:%Y-%m}"


# Intake and assistance live in their own module; they are models of this app.
from .programme_records import (  # noqa: E402, F401
    APPLICATION_MOVES,
    ASSISTANCE_MOVES,
    ApplicationReview,
    ApplicationStatus,
    Assistance,
    AssistanceCondition,
    AssistanceKind,
    AssistanceStatus,
    AssistanceStatusChange,
    CohortApplication,
)
