"""Third-party apps whose sections the ministry's staff see in the admin, under names
the portal's catalogue translates.

Django's documented way to rename an app: its AppConfig subclassed and named in
INSTALLED_APPS. (Kept out of `blkk_portal/apps.py`, where a second AppConfig would
make Django guess which one is the portal's own.) What each section shows, and the
sections hidden, are in `blkk_portal/admin_third_party.py`.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig


class ScheduleConfig(BeatConfig):
    """django-celery-beat: when the portal's tasks run (reports, reminders)."""

    verbose_name = _("Scheduled tasks")


class SignInSecurityConfig(AxesAppConfig):
    """django-axes: failed sign-ins (the lockout) and the log of sign-ins."""

    verbose_name = _("Sign-in security")
