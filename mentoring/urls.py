"""Portal paths of the mentoring app (`/mentor/...`, DESIGN.md "Portal pages"),
included by the root urls."""

from __future__ import annotations

from django.urls import path

from . import review_pages, views

urlpatterns = [
    path("mentor/", views.mentor_home, name="mentor-home"),
    path("mentor/sessions/new/", views.session_create, name="session-create"),
    path(
        "mentor/assignments/<int:pk>/",
        views.assignment_detail,
        name="assignment-detail",
    ),
    path("mentor/sessions/<int:pk>/edit/", views.session_update, name="session-update"),
    path(
        "mentor/sessions/<int:pk>/delete/",
        views.session_delete,
        name="session-delete",
    ),
    path("mentor/metrics/", views.mentor_metrics, name="mentor-metrics"),
]

# --- intake: the applications a mentor reviews ----------------------------------------

urlpatterns += [
    path(
        "mentor/applications/",
        review_pages.mentor_applications,
        name="mentor-applications",
    ),
    path(
        "mentor/applications/<int:pk>/review/",
        review_pages.mentor_application_review,
        name="mentor-application-review",
    ),
]
