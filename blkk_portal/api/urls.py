"""`/api/v1/`: one router for every resource of DESIGN.md's contract."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.urls import path
from rest_framework.routers import DefaultRouter

from training.api.export import TraineeExportApi

from .auth import LogoutView, ObtainTokenView

# Each app lists its own resources (`<app>/api/urls.py`), so a new one is routed from
# its own app; this module only wires them, in the apps' order.
router = DefaultRouter()
router.include_format_suffixes = False
for app in settings.PORTAL_APPS:
    for prefix, viewset in import_module(f"{app}.api.urls").routes:
        router.register(prefix, viewset)

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
    # Before the router's routes, so that "export" is never read as a trainee's id.
    path("trainees/export/", TraineeExportApi.as_view(), name="trainee-export"),
    *router.urls,
]
