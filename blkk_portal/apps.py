from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project package as an app: it carries the cross-app management commands."""

    name = "blkk_portal"
    verbose_name = _("BLKK Incubator Portal")
