"""`/api/v1/` routes of the incubator app, registered by `blkk_portal/api/urls.py`."""

from __future__ import annotations

from . import views

# (path prefix, viewset), in the order the API root lists them.
routes = [
    ("cohorts", views.CohortViewSet),
    ("ventures", views.VentureViewSet),
    ("milestones", views.MilestoneViewSet),
    ("venture-metrics", views.VentureMetricViewSet),
    ("cohort-applications", views.CohortApplicationViewSet),
    ("application-reviews", views.ApplicationReviewViewSet),
    # --- assistance
    ("assistance", views.AssistanceViewSet),
]
