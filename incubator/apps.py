from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubatorConfig(AppConfig):
    name = "incubator"
    verbose_name = _("Incubation")

    def ready(self) -> None:
        # The monthly figures' import kind, known to the pages and to the workers.
        from blkk_portal.imports.kinds import register

        from .imports import METRICS

        register(METRICS)
