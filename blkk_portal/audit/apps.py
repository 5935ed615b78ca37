from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Who saw or took personal data, and who erased a person (UU 27/2022)."""

    name = "blkk_portal.audit"
    label = "audit"
    verbose_name = _("Personal data audit")
