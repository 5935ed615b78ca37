"""Portal paths of the reports app, included by `blkk_portal/urls.py`."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from blkk_portal.pages import blkk_section

from . import views

blkk_section(_("Overview"), "blkk-home", order=0)

urlpatterns = [
    path("blkk/<blkk:code>/", views.blkk_home, name="blkk-home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "dashboard/province/<str:code>/",
        views.province_dashboard,
        name="dashboard-province",
    ),
]
