"""The scoping system checks: each kind of unscoped door makes `manage.py check`
fail."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import models
from django.test.utils import isolate_apps
from rest_framework import viewsets

from blkk_portal import checks
from blkk_portal.access import SIGNED_IN, Access
from blkk_portal.admin_base import ScopedAdmin
from blkk_portal.admin_site import PortalAdminSite
from blkk_portal.api.viewsets import ScopedViewSet
from training.managers import TrainingBatchQuerySet
from training.models import Blkk, Trainee, TrainingBatch


def error_ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_the_project_passes_its_own_checks():
    call_command("check")


# E001: models -------------------------------------------------------------------------


@isolate_apps("training")
def test_a_model_of_a_blkk_without_a_scoped_queryset_is_an_error():
    class Unscoped(models.Model):  # noqa: DJ008 (never shown)
        blkk = models.ForeignKey(Blkk, on_delete=models.CASCADE)

        class Meta:
            app_label = "training"

    assert error_ids(checks._declaration_errors(Unscoped)) == ["blkk_portal.E001"]


@isolate_apps("training")
def test_a_model_that_reaches_a_blkk_through_another_needs_scoping_too():
    class TraineeNote(models.Model):  # noqa: DJ008 (never shown)
        trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE)

        class Meta:
            app_label = "training"

    errors = list(checks._declaration_errors(TraineeNote))
    assert error_ids(errors) == ["blkk_portal.E001"]
    assert "training.TraineeNote" in errors[0].msg


def test_manage_py_check_fails_for_a_model_without_a_declaration(monkeypatch):
    monkeypatch.delattr(TrainingBatchQuerySet, "access")

    with pytest.raises(SystemCheckError, match=r"blkk_portal\.E001.*TrainingBatch"):
        call_command("check")


def test_a_declaration_that_its_queryset_cannot_keep_is_an_error(monkeypatch):
    # Batches have no mentor reach: saying mentors read them is a contradiction.
    monkeypatch.setattr(TrainingBatchQuerySet, "access", Access(read=SIGNED_IN))

    errors = list(checks._declaration_errors(TrainingBatch))

    assert error_ids(errors) == ["blkk_portal.E001"]
    assert "reached_by_mentor" in errors[0].msg


# E002: the admin ----------------------------------------------------------------------


def test_the_portal_site_refuses_an_unscoped_admin_of_a_blkk_model():
    site = PortalAdminSite(name="test-admin")

    site.register(TrainingBatch, admin.ModelAdmin)

    assert TrainingBatch not in site._registry
    assert error_ids(checks.admin_errors(site)) == ["blkk_portal.E002"]


def test_the_portal_site_keeps_a_scoped_admin():
    site = PortalAdminSite(name="test-admin")

    site.register(TrainingBatch, ScopedAdmin)

    assert TrainingBatch in site._registry
    assert checks.admin_errors(site) == []


def test_manage_py_check_fails_for_an_unscoped_admin(monkeypatch):
    monkeypatch.setattr(admin.site, "refused", {TrainingBatch: admin.ModelAdmin})

    with pytest.raises(SystemCheckError, match=r"blkk_portal\.E002"):
        call_command("check")


def test_an_unscoped_inline_of_a_blkk_model_is_an_error():
    class PlainInline(admin.TabularInline):
        model = TrainingBatch

    class BlkkWithPlainInline(ScopedAdmin):
        inlines = [PlainInline]

    site = PortalAdminSite(name="test-admin")
    site.register(Blkk, BlkkWithPlainInline)

    assert error_ids(checks.admin_errors(site)) == ["blkk_portal.E002"]


@isolate_apps("training")
def test_the_scoped_admin_refuses_a_model_it_cannot_scope(rf, ministry_user):
    class Unscoped(models.Model):  # noqa: DJ008 (never shown)
        blkk = models.ForeignKey(Blkk, on_delete=models.CASCADE)

        class Meta:
            app_label = "training"

    request = rf.get("/")
    request.user = ministry_user

    with pytest.raises(ImproperlyConfigured):
        ScopedAdmin(Unscoped, PortalAdminSite()).get_queryset(request)


# E003: API views ----------------------------------------------------------------------


class QuietOverride(ScopedViewSet):
    queryset = TrainingBatch.objects.all()

    def get_queryset(self):
        return TrainingBatch.objects.all()


class LoudEscapeHatch(ScopedViewSet):
    queryset = TrainingBatch.objects.all()

    def dangerously_get_queryset(self):
        return TrainingBatch.objects.all()


class PlainModelViewSet(viewsets.ModelViewSet):
    queryset = TrainingBatch.objects.all()


def urlconf_with(*viewsets_by_prefix):
    from rest_framework.routers import SimpleRouter

    router = SimpleRouter()
    for prefix, viewset in viewsets_by_prefix:
        router.register(prefix, viewset, basename=prefix)
    return type("urlconf", (), {"urlpatterns": router.urls})


def test_a_viewset_that_quietly_overrides_get_queryset_is_an_error():
    errors = checks.view_errors(urlconf_with(("quiet", QuietOverride)))

    assert error_ids(errors) == ["blkk_portal.E003"]
    assert "QuietOverride overrides get_queryset" in errors[0].msg


def test_the_loud_escape_hatch_is_allowed():
    assert checks.view_errors(urlconf_with(("loud", LoudEscapeHatch))) == []


def test_a_viewset_without_the_scoped_base_is_an_error():
    errors = checks.view_errors(urlconf_with(("plain", PlainModelViewSet)))

    assert error_ids(errors) == ["blkk_portal.E003"]


def test_manage_py_check_fails_for_a_quiet_override(settings):
    settings.ROOT_URLCONF = urlconf_with(("quiet", QuietOverride))

    with pytest.raises(SystemCheckError, match=r"blkk_portal\.E003"):
        call_command("check")
