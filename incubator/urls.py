"""Portal paths of the incubator app, included by `blkk_portal/urls.py`: a BLKK's
cohorts, ventures, milestones, monthly metrics and assistance (`/blkk/CODE/...`)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from blkk_portal.pages import blkk_section

from . import application_views as intake
from . import assistance_views, views

BLKK = "blkk/<blkk:code>/"

urlpatterns = [
    path(f"{BLKK}cohorts/", views.cohort_list, name="cohort-list"),
    path(f"{BLKK}cohorts/new/", views.cohort_create, name="cohort-create"),
    path(f"{BLKK}cohorts/<int:pk>/", views.cohort_detail, name="cohort-detail"),
    path(f"{BLKK}cohorts/<int:pk>/edit/", views.cohort_update, name="cohort-update"),
    path(f"{BLKK}ventures/", views.venture_list, name="venture-list"),
    path(f"{BLKK}ventures/new/", views.venture_create, name="venture-create"),
    path(f"{BLKK}ventures/<int:pk>/", views.venture_detail, name="venture-detail"),
    path(f"{BLKK}ventures/<int:pk>/edit/", views.venture_update, name="venture-update"),
    path(f"{BLKK}ventures/<int:pk>/stage/", views.venture_stage, name="venture-stage"),
    path(
        f"{BLKK}ventures/<int:pk>/milestones/new/",
        views.milestone_create,
        name="milestone-create",
    ),
    path(
        f"{BLKK}milestones/<int:pk>/edit/",
        views.milestone_update,
        name="milestone-update",
    ),
    path(f"{BLKK}metrics/", views.metrics_month, name="metrics-month"),
    path(f"{BLKK}metrics/import/", views.metrics_import, name="metrics-import"),
    path(
        f"{BLKK}metrics/import/template.xlsx",
        views.metrics_import_template,
        name="metrics-import-template",
    ),
    path(
        f"{BLKK}metrics/import/<int:pk>/",
        views.metrics_import_job,
        name="metrics-import-job",
    ),
    path(
        f"{BLKK}metrics/import/<int:pk>/progress/",
        views.metrics_import_progress,
        name="metrics-import-progress",
    ),
    path(
        f"{BLKK}metrics/import/<int:pk>/confirm/",
        views.metrics_import_confirm,
        name="metrics-import-confirm",
    ),
    path(
        f"{BLKK}metrics/import/<int:pk>/cancel/",
        views.metrics_import_cancel,
        name="metrics-import-cancel",
    ),
]

blkk_section(_("Cohorts"), "cohort-list", 50)
blkk_section(_("Ventures"), "venture-list", 60)
blkk_section(_("Monthly metrics"), "metrics-month", 70)


# --- intake: applications to a cohort, their reviews and the decision -----------------

urlpatterns += [
    path(f"{BLKK}applications/", intake.application_list, name="application-list"),
    path(
        f"{BLKK}applications/new/",
        intake.application_create,
        name="application-create",
    ),
    path(
        f"{BLKK}applications/<int:pk>/",
        intake.application_detail,
        name="application-detail",
    ),
    path(
        f"{BLKK}applications/<int:pk>/edit/",
        intake.application_update,
        name="application-update",
    ),
    path(
        f"{BLKK}applications/<int:pk>/review/",
        intake.application_review,
        name="application-review",
    ),
    path(
        f"{BLKK}applications/<int:pk>/decide/",
        intake.application_decide,
        name="application-decide",
    ),
    path(
        f"{BLKK}cohorts/<int:pk>/applications/",
        intake.cohort_applications,
        name="cohort-applications",
    ),
]

blkk_section(_("Applications"), "application-list", 55)

# --- the public page of cohorts taking applications (issue #13): no sign-in ----------
urlpatterns += [
    path("programmes/cohorts/", views.public_cohorts, name="public-cohorts"),
]

# --- assistance (bantuan wirausaha) ---------------------------------------------------

blkk_section(_("Assistance"), "assistance-list", 65)

urlpatterns += [
    path(
        f"{BLKK}assistance/",
        assistance_views.assistance_list,
        name="assistance-list",
    ),
    path(
        f"{BLKK}assistance/new/",
        assistance_views.assistance_create,
        name="assistance-create",
    ),
    path(
        f"{BLKK}assistance/<int:pk>/",
        assistance_views.assistance_detail,
        name="assistance-detail",
    ),
    path(
        f"{BLKK}assistance/<int:pk>/edit/",
        assistance_views.assistance_update,
        name="assistance-update",
    ),
    path(
        f"{BLKK}assistance/<int:pk>/status/",
        assistance_views.assistance_move,
        name="assistance-move",
    ),
    path(
        f"{BLKK}assistance/<int:pk>/check/",
        assistance_views.assistance_check,
        name="assistance-check",
    ),
]
