from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")

    def ready(self) -> None:
        # The venture page's section of mentors (`incubator.panels`).
        # The admin's account import (`blkk_portal.imports` registry).
        from . import (
            imports,  # noqa: F401
            panels,  # noqa: F401
        )
