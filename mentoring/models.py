"""Mentors, their assignments to ventures or whole BLKKs, and the sessions they hold."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from blkk_portal.constraints import choice_is_known
from incubator.models import Venture
from training.models import Blkk

from .managers import MentorAssignmentQuerySet, MentoringSessionQuerySet, MentorQuerySet

EASTERNMOST_ZONE = zoneinfo.ZoneInfo("Asia/Jayapura")


class Affiliation(models.TextChoices):
    BLK = "blk", _("BLK")
    UNIVERSITY = "university", _("University")
    INDUSTRY = "industry", _("Industry")
    MINISTRY = "ministry", _("Ministry")


class Mentor(models.Model):
    """A mentor's profile; any user may have one (a manager who mentors elsewhere)."""

    Affiliation = Affiliation
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        # Closing a login keeps the mentor's history of assignments and sessions.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor_profile",
        verbose_name=_("user"),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    expertise = models.TextField(_("expertise"), blank=True)
    affiliation = models.CharField(
        _("affiliation"), max_length=12, choices=Affiliation.choices
    )
    home_blkk = models.ForeignKey(
        Blkk,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="home_mentors",
        verbose_name=_("home BLKK"),
    )
    max_active_assignments = models.PositiveSmallIntegerField(
        _("maximum active assignments"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )

    objects = MentorQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        constraints = [
            choice_is_known("affiliation", Affiliation, "mentor_affiliation_known"),
            models.CheckConstraint(
                condition=Q(
                    max_active_assignments__gte=1, max_active_assignments__lte=50
                ),
                name="mentor_max_active_assignments_range",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class AssignmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class MentorAssignment(models.Model):
    """A mentor assigned to one venture or to a whole BLKK (exactly one of the two)."""

    Status = AssignmentStatus
    mentor = models.ForeignKey(
        Mentor,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("mentor"),
    )
    venture = models.ForeignKey(
        Venture,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentor_assignments",
        verbose_name=_("venture"),
    )
    blkk = models.ForeignKey(
        Blkk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentor_assignments",
        verbose_name=_("BLKK"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Empty while open-ended.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PLANNED,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MentorAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(venture__isnull=False, blkk__isnull=True)
                    | Q(venture__isnull=True, blkk__isnull=False)
                ),
                name="assignment_venture_xor_blkk",
                violation_error_message=_(
                    "Assign the mentor to a venture or to a whole BLKK: exactly one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_ends_after_start",
                violation_error_message=_(
                    "The end date cannot be before the start date."
                ),
            ),
            choice_is_known("status", AssignmentStatus, "assignment_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} - {self.venture or self.blkk}"

    def is_active_on(self, day) -> bool:
        return (
            self.status == self.Status.ACTIVE
            and self.start_date <= day
            and (self.end_date is None or day <= self.end_date)
        )


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    PHONE = "phone", _("Phone")


class MentoringSession(models.Model):
    """One mentoring session held under an assignment."""

    Mode = SessionMode
    assignment = models.ForeignKey(
        MentorAssignment,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("assignment"),
    )
    held_on = models.DateField(_("held on"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(480)],
    )
    mode = models.CharField(_("mode"), max_length=10, choices=SessionMode.choices)
    topics = models.TextField(_("topics"))
    notes = models.TextField(_("notes"), blank=True)
    action_items = models.TextField(_("action items"), blank=True)
    mentee_rating = models.PositiveSmallIntegerField(
        _("mentee rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (poor) to 5 (excellent), as rated by the mentee."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MentoringSessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        indexes = [
            # A month's sessions (the KPI pass) and the API's keyset cursor, newest
            # first with the id breaking ties: one index serves both.
            models.Index(fields=["held_on", "id"], name="session_held_on_idx"),
            # A venture's sessions in a window and its last one (the KPIs' ventures
            # mentored and at risk, the dashboards' last session): a range of this
            # index per assignment, not every session of it.
            models.Index(
                fields=["assignment", "held_on"], name="session_assignment_day_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=480),
                name="session_duration_range",
                violation_error_message=_("Duration must be 1 to 480 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(mentee_rating__isnull=True)
                | Q(mentee_rating__gte=1, mentee_rating__lte=5),
                name="session_rating_range",
                violation_error_message=_("The rating must be 1 to 5."),
            ),
            choice_is_known("mode", SessionMode, "session_mode_known"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.held_on}"

    def clean(self) -> None:
        if not self.held_on or not self.assignment_id:
            return
        # Judged in the easternmost zone, so that no mentor's today is refused.
        today_anywhere = timezone.localdate(timezone=EASTERNMOST_ZONE)
        if self.held_on > today_anywhere:
            raise ValidationError({"held_on": _("A session cannot be in the future.")})
        assignment = self.assignment
        if self.held_on < assignment.start_date or (
            assignment.end_date and self.held_on > assignment.end_date
        ):
            raise ValidationError(
                {
                    "held_on": _(
                        "The session date must be within the assignment's dates."
                    )
                }
            )
