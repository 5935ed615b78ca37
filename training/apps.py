from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # The import kinds, known to the pages and to the workers.
        from blkk_portal.imports.kinds import register

        from .imports import ENROLLMENTS, TRAINEES

        register(TRAINEES)
        register(ENROLLMENTS)
