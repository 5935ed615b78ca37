"""`/api/v1/`: one router for every resource of DESIGN.md's contract."""

from __future__ import annotations

from django.db import transaction
from django.urls import path
from rest_framework.routers import DefaultRouter

from incubator.api import views as incubator
from mentoring.api import views as mentoring
from reports.api import views as reports
from training.api import views as training

from .auth import LogoutView, ObtainTokenView

router = DefaultRouter()
router.include_format_suffixes = False
router.register("provinces", training.ProvinceViewSet)
router.register("regencies", training.RegencyViewSet)
router.register("vocational-fields", training.VocationalFieldViewSet)
router.register("blkks", training.BlkkViewSet)
router.register("training-batches", training.TrainingBatchViewSet)
router.register("trainees", training.TraineeViewSet)
router.register("enrollments", training.EnrollmentViewSet)
router.register("certifications", training.CertificationViewSet)
router.register("graduate-outcomes", training.GraduateOutcomeViewSet)
router.register("cohorts", incubator.CohortViewSet)
router.register("ventures", incubator.VentureViewSet)
router.register("milestones", incubator.MilestoneViewSet)
router.register("venture-metrics", incubator.VentureMetricViewSet)
router.register("reports", reports.ProgressReportViewSet)
router.register("report-runs", reports.ReportRunViewSet)
router.register("mentors", mentoring.MentorViewSet)
router.register("mentor-assignments", mentoring.MentorAssignmentViewSet)
router.register("mentoring-sessions", mentoring.MentoringSessionViewSet)

app_name = "api"
urlpatterns = [
    # Outside the request's transaction: a refused sign-in answers 400, which rolls
    # the transaction back, and would take django-axes' failure record with it.
    path(
        "auth/token/",
        transaction.non_atomic_requests(ObtainTokenView.as_view()),
        name="token",
    ),
    path("auth/logout/", LogoutView.as_view(), name="logout"),
    *router.urls,
]
