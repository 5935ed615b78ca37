from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project package as an app: it carries the cross-app management commands."""

    name = "blkk_portal"
    verbose_name = _("BLKK Incubator Portal")

    def ready(self) -> None:
        # Registers the scoping checks, so that every `manage.py check` runs them.
        from django.contrib.auth.signals import user_logged_in

        from blkk_portal import checks  # noqa: F401
        from blkk_portal.session_lifetime import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="portal-session-clock")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the portal's site as `admin.site` (named explicitly in
    INSTALLED_APPS, so not this module's default)."""

    default = False
    default_site = "blkk_portal.admin_site.PortalAdminSite"
