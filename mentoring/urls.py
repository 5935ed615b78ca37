"""Portal paths of the mentoring app (`/mentor/...`), included by the root urls."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("mentor/", views.mentor_home, name="mentor-home"),
]
