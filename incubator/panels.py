"""Sections that apps above incubator add to a venture's portal page.

A venture's page shows its mentors, but mentors are the mentoring app's, which
incubator may not import (DESIGN.md, "Architecture": dependencies point one way).
So the mentoring app registers a panel here, as each app names its sections of a
BLKK's menu (`blkk_portal.pages.blkk_section`): a template and a function that
gives it its context, reading the rows it shows through their own `visible_to`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .models import Venture

PanelContext = Callable[[HttpRequest, Venture], Mapping[str, Any]]


@dataclass(frozen=True)
class VenturePanel:
    template_name: str
    context: PanelContext
    order: int


_PANELS: dict[str, VenturePanel] = {}


def venture_panel(template_name: str, context: PanelContext, order: int) -> None:
    """Add a section to every venture's page: `template_name`, rendered with what
    `context(request, venture)` gives as `panel` (the user is `request.user`)."""
    _PANELS[template_name] = VenturePanel(template_name, context, order)


def venture_panels() -> Iterable[VenturePanel]:
    return sorted(_PANELS.values(), key=lambda panel: panel.order)
