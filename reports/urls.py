"""Portal paths of the reports app, included by `blkk_portal/urls.py`."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from blkk_portal.pages import blkk_section

from . import views

blkk_section(_("Overview"), "blkk-home", order=0)

urlpatterns = [
    path("blkk/<blkk:code>/", views.blkk_home, name="blkk-home"),
    # Stored progress reports, and generating one (reports/views/pages.py).
    path("reports/", views.report_list, name="report-list"),
    path("reports/generate/", views.report_generate, name="report-generate"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/files/<str:kind>/", views.report_file, name="report-file"),
    path("reports/runs/<int:pk>/", views.report_run, name="report-run"),
    path(
        "reports/runs/<int:pk>/progress/",
        views.report_run_progress,
        name="report-run-progress",
    ),
    # The dashboards of ministry and province staff (reports/views/dashboards.py).
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "dashboard/province/<str:code>/",
        views.province_dashboard,
        name="dashboard-province",
    ),
]
