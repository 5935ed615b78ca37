from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Spreadsheet imports: the engine every app's import kinds run on."""

    name = "blkk_portal.imports"
    label = "imports"
    verbose_name = _("Spreadsheet imports")
