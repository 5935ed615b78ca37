"""Querysets of the reports app (see `blkk_portal.scoping`)."""

from __future__ import annotations

from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from blkk_portal.access import SIGNED_IN, Access
from blkk_portal.accounts.models import Role
from blkk_portal.scoping import ScopedQuerySet


class ReportRunQuerySet(models.QuerySet):
    """Background generations: ministry staff see all; others see what they asked."""

    def visible_to(self, user) -> QuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self.all()
        return self.filter(requested_by_id=user.pk)

    def with_progress(self) -> QuerySet:
        """Each run with `reports_done`: how many of its reports had their files
        written since their figures were stored. The one count of a run's progress
        (the API and the admin's progress page read it); it is read from the
        reports, not counted by the tasks, so a task that runs twice after a
        redelivery cannot count a report twice. A GROUP BY query keeps no default
        ordering: order it where the order matters."""
        return self.annotate(
            reports_done=Count(
                "reports",
                filter=Q(reports__files_generated_at__gte=F("reports__generated_at")),
            )
        )


class ReportDeliveryQuerySet(models.QuerySet):
    """Report mail to send; read by the tasks only, never shown to a role."""

    def due(self, now) -> QuerySet:
        """Pending deliveries whose next attempt is due at `now`."""
        return self.filter(status="pending", next_attempt_at__lte=now)


class ProgressReportQuerySet(ScopedQuerySet):
    """Everyone signed in reads the national report (it holds no personal data);
    provincial staff read their province's report; BLKK reports follow the BLKKs a
    user reaches. Mentors read only the national report."""

    access = Access(read=SIGNED_IN)

    def unfinished(self) -> QuerySet:
        """Reports whose files were not written since their figures were stored
        (nor, for a mailing run, their mail recorded: both happen at once)."""
        return self.filter(
            Q(files_generated_at__isnull=True)
            | Q(files_generated_at__lt=F("generated_at"))
        )

    def with_place_name(self) -> QuerySet:
        """Each report with `place_name`: its province's or BLKK's name (empty for
        the country), read in the same query, so a list of reports names its
        scopes without a query per row (`ProgressReport.scope_label`)."""
        from training.models import Blkk, Province

        def name_of(model) -> Subquery:
            names = model.objects.filter(code=OuterRef("scope_code")).values("name")
            return Subquery(names[:1])

        return self.annotate(
            place_name=Case(
                When(scope="province", then=name_of(Province)),
                When(scope="blkk", then=name_of(Blkk)),
                default=Value(""),
                output_field=CharField(),
            )
        )

    def visible_to(self, user) -> QuerySet:
        from .models import ReportScope

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        shared = Q(scope=ReportScope.NATIONAL)
        if user.role == Role.PROVINCE and user.province_id:
            shared |= Q(scope=ReportScope.PROVINCE, scope_code=user.province_id)
        return super().visible_to(user) | self.filter(shared)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        from training.models import Blkk

        reached = Blkk.objects.filter(pk__in=blkk_ids)
        return Q(scope="blkk", scope_code__in=reached.values("code"))
