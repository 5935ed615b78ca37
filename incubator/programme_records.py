"""Intake with selection, and entrepreneurship assistance (bantuan wirausaha).

Applications to a cohort and their reviews, and the assistance the ministry gives a
BLKK or a venture with its status history. DESIGN.md, "Programme records the seeds
name". Imported by `incubator.models`, whose models these are.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from blkk_portal.constraints import choice_is_known
from training.models import Blkk, Trainee

from .managers import (
    ApplicationReviewQuerySet,
    AssistanceQuerySet,
    AssistanceStatusChangeQuerySet,
    CohortApplicationQuerySet,
)
from .models import Cohort, Venture

# --- intake ---------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# DESIGN.md: submitted -> shortlisted, accepted, rejected or withdrawn; shortlisted ->
# accepted, rejected or withdrawn. Accepted, rejected and withdrawn are final.
APPLICATION_MOVES: dict[str, frozenset[str]] = {
    ApplicationStatus.SUBMITTED: frozenset(
        {
            ApplicationStatus.SHORTLISTED,
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.SHORTLISTED: frozenset(
        {
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
}
# Statuses that carry a decision date (and, for acceptance, a venture).
DECIDED_STATUSES = frozenset({ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED})
OPEN_APPLICATION_STATUSES = frozenset(APPLICATION_MOVES)


def application_move_allowed(from_status: str, to_status: str) -> bool:
    return to_status in APPLICATION_MOVES.get(from_status, frozenset())


def application_moves_from(from_status: str) -> list[ApplicationStatus]:
    """The decisions open to an application at `from_status`, in the choices' order."""
    return [s for s in ApplicationStatus if application_move_allowed(from_status, s)]


class CohortApplication(models.Model):
    """A would-be entrepreneur's application to an incubation cohort.

    `status`, `decided_on` and `venture` change only through
    `incubator.services.application_decide`, which creates the venture on acceptance.
    """

    Status = ApplicationStatus
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("cohort"),
    )
    # Erasing a person (UU 27/2022) erases their applications with their other
    # records; as a co-applicant they leave the application.
    applicant = models.ForeignKey(
        Trainee,
        on_delete=models.CASCADE,
        related_name="cohort_applications",
        verbose_name=_("applicant"),
    )
    co_applicants = models.ManyToManyField(
        Trainee,
        related_name="co_applications",
        blank=True,
        verbose_name=_("co-applicants"),
    )
    business_name = models.CharField(_("business name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=100)
    idea = models.TextField(_("business idea"))
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    venture = models.OneToOneField(
        Venture,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("venture"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CohortApplicationQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[co_applicants])

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("cohort application")
        verbose_name_plural = _("cohort applications")
        indexes = [
            models.Index(fields=["received_on"], name="application_received_idx"),
            models.Index(
                fields=["decided_on", "status"], name="application_decided_idx"
            ),
        ]
        constraints = [
            choice_is_known("status", ApplicationStatus, "application_status_known"),
            models.UniqueConstraint(
                fields=["cohort", "applicant"],
                name="application_once_per_cohort_applicant",
                violation_error_code="unique",
                violation_error_message=_(
                    "This person has already applied to this cohort."
                ),
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True)
                | Q(status__in=sorted(DECIDED_STATUSES)),
                name="application_decided_on_iff_decided",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=False)
                | ~Q(status__in=sorted(DECIDED_STATUSES)),
                name="application_decided_has_date",
            ),
            models.CheckConstraint(
                condition=Q(
                    venture__isnull=True,
                    status__in=[
                        s
                        for s in ApplicationStatus.values
                        if s != ApplicationStatus.ACCEPTED
                    ],
                )
                | Q(venture__isnull=False, status=ApplicationStatus.ACCEPTED),
                name="application_venture_iff_accepted",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True)
                | Q(decided_on__gte=F("received_on")),
                name="application_decided_after_received",
                violation_error_message=_(
                    "An application cannot be decided before it was received."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business_name} ({self.cohort})"

    @property
    def people_ids(self) -> set[int]:
        """The applicant's and co-applicants' ids (co-applicants from the database)."""
        return {self.applicant_id, *self.co_applicants.values_list("pk", flat=True)}


SCORE_MIN, SCORE_MAX = 1, 5
SCORE_FIELDS = ("market", "team", "feasibility", "job_potential")


def score_field(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        help_text=_("1 (weak) to 5 (strong)."),
    )


class ApplicationReview(models.Model):
    """One reviewer's scores of an application; one per reviewer, editable by its
    reviewer until the application is decided."""

    application = models.ForeignKey(
        CohortApplication,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("application"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="application_reviews",
        verbose_name=_("reviewer"),
    )
    market = score_field(_("market"))
    team = score_field(_("team"))
    feasibility = score_field(_("feasibility"))
    job_potential = score_field(_("job potential"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApplicationReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("application review")
        verbose_name_plural = _("application reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="review_once_per_reviewer",
                violation_error_code="unique",
                violation_error_message=_(
                    "You have already reviewed this application."
                ),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(
                        **{f"{name}__gte": SCORE_MIN, f"{name}__lte": SCORE_MAX}
                    ),
                    name=f"review_{name}_1_to_5",
                )
                for name in SCORE_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} - {self.reviewer}"

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in SCORE_FIELDS)


# --- assistance (bantuan wirausaha) --------------------------------------------------


class AssistanceKind(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment")
    TRAINING_PACKAGE = "training_package", _("Training package")
    WORKING_CAPITAL = "working_capital", _("Working capital")
    OPERATIONAL = "operational", _("Operational support")


class AssistanceStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    DELIVERED = "delivered", _("Delivered")
    IN_USE = "in_use", _("In use")
    CANCELLED = "cancelled", _("Cancelled")


class AssistanceCondition(models.TextChoices):
    GOOD = "good", _("Good")
    DAMAGED = "damaged", _("Damaged")
    UNUSED = "unused", _("Unused")
    LOST = "lost", _("Lost")


# DESIGN.md: proposed -> approved -> delivered -> in_use; proposed or approved may
# move to cancelled.
ASSISTANCE_MOVES: dict[str, frozenset[str]] = {
    AssistanceStatus.PROPOSED: frozenset(
        {AssistanceStatus.APPROVED, AssistanceStatus.CANCELLED}
    ),
    AssistanceStatus.APPROVED: frozenset(
        {AssistanceStatus.DELIVERED, AssistanceStatus.CANCELLED}
    ),
    AssistanceStatus.DELIVERED: frozenset({AssistanceStatus.IN_USE}),
}
# Moves only ministry staff make; a manager of the recipient makes the others.
MINISTRY_MOVES = frozenset({AssistanceStatus.APPROVED, AssistanceStatus.CANCELLED})
HANDED_OVER = frozenset({AssistanceStatus.DELIVERED, AssistanceStatus.IN_USE})
APPROVED_OR_LATER = frozenset({AssistanceStatus.APPROVED, *HANDED_OVER})


def assistance_move_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ASSISTANCE_MOVES.get(from_status, frozenset())


def assistance_moves_from(from_status: str) -> list[AssistanceStatus]:
    return [s for s in AssistanceStatus if assistance_move_allowed(from_status, s)]


class Assistance(models.Model):
    """Entrepreneurship assistance (bantuan wirausaha) given to a BLKK or a venture.

    `status`, `approved_on`, `delivered_on` and `handover_number` change only
    through `incubator.services.assistance_move`, which records every move in
    `AssistanceStatusChange`.
    """

    Kind = AssistanceKind
    Status = AssistanceStatus
    Condition = AssistanceCondition
    blkk = models.ForeignKey(
        Blkk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance",
        verbose_name=_("BLKK"),
    )
    venture = models.ForeignKey(
        Venture,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance",
        verbose_name=_("venture"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssistanceKind.choices)
    description = models.TextField(_("description"))
    value = models.PositiveBigIntegerField(_("value (IDR)"))
    proposed_on = models.DateField(_("proposed on"), default=timezone.localdate)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssistanceStatus.choices,
        default=AssistanceStatus.PROPOSED,
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    handover_number = models.CharField(
        _("handover number (BAST)"), max_length=100, blank=True
    )
    last_checked_on = models.DateField(_("last checked on"), null=True, blank=True)
    condition = models.CharField(
        _("condition"), max_length=10, choices=AssistanceCondition.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssistanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-proposed_on", "-pk"]
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")
        indexes = [
            models.Index(fields=["delivered_on"], name="assistance_delivered_idx"),
            models.Index(
                fields=["status", "last_checked_on"], name="assistance_check_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(blkk__isnull=False, venture__isnull=True)
                | Q(blkk__isnull=True, venture__isnull=False),
                name="assistance_one_recipient",
                violation_error_message=_(
                    "Give the assistance to a BLKK or to a venture, not both."
                ),
            ),
            choice_is_known("kind", AssistanceKind, "assistance_kind_known"),
            choice_is_known("status", AssistanceStatus, "assistance_status_known"),
            models.CheckConstraint(
                condition=Q(condition__in=[*AssistanceCondition.values, ""]),
                name="assistance_condition_known",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="assistance_year_range",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=False)
                | ~Q(status__in=sorted(APPROVED_OR_LATER)),
                name="assistance_approved_has_date",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=sorted(HANDED_OVER))
                    & Q(delivered_on__isnull=False)
                    & ~Q(handover_number="")
                )
                | (
                    ~Q(status__in=sorted(HANDED_OVER))
                    & Q(delivered_on__isnull=True, last_checked_on__isnull=True)
                ),
                name="assistance_handover_iff_delivered",
                violation_error_message=_(
                    "Delivered assistance has its delivery date and handover number "
                    "(BAST); it is checked only after delivery."
                ),
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True)
                | Q(approved_on__gte=F("proposed_on")),
                name="assistance_approved_after_proposed",
            ),
            models.CheckConstraint(
                condition=Q(delivered_on__isnull=True)
                | Q(delivered_on__gte=F("approved_on")),
                name="assistance_delivered_after_approved",
            ),
            models.CheckConstraint(
                condition=Q(last_checked_on__isnull=True)
                | Q(last_checked_on__gte=F("delivered_on")),
                name="assistance_checked_after_delivery",
                violation_error_message=_(
                    "An assistance cannot be checked before it was delivered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(last_checked_on__isnull=True, condition="")
                | Q(last_checked_on__isnull=False) & ~Q(condition=""),
                name="assistance_check_has_condition",
                violation_error_message=_(
                    "A check has both its date and the condition found."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.recipient}"

    @property
    def recipient(self) -> Blkk | Venture | None:
        return self.blkk if self.blkk_id else self.venture

    def last_seen_on(self) -> datetime.date | None:
        """The last day someone saw it: its last check, else its delivery."""
        return self.last_checked_on or self.delivered_on


class AssistanceStatusChange(models.Model):
    """One move of an assistance between statuses; the first (no `from_status`) is
    its proposal, dated `proposed_on`."""

    assistance = models.ForeignKey(
        Assistance,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("assistance"),
    )
    from_status = models.CharField(
        _("from status"), max_length=10, choices=AssistanceStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=10, choices=AssistanceStatus.choices
    )
    on = models.DateField(_("on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = AssistanceStatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["assistance", "on", "pk"]
        verbose_name = _("assistance status change")
        verbose_name_plural = _("assistance status changes")
        constraints = [
            choice_is_known(
                "to_status", AssistanceStatus, "assistance_change_to_known"
            ),
            models.CheckConstraint(
                condition=Q(from_status__in=[*AssistanceStatus.values, ""]),
                name="assistance_change_from_known",
            ),
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")),
                name="assistance_change_moves",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assistance}: {self.from_status or '-'} -> {self.to_status}"
