"""`/api/v1/` routes of the mentoring app, registered by `blkk_portal/api/urls.py`."""

from __future__ import annotations

from . import views

# (path prefix, viewset), in the order the API root lists them.
routes = [
    ("mentors", views.MentorViewSet),
    ("mentor-assignments", views.MentorAssignmentViewSet),
    ("mentoring-sessions", views.MentoringSessionViewSet),
]
