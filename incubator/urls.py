"""Portal paths of the incubator app, included by `blkk_portal/urls.py`."""

from __future__ import annotations

urlpatterns: list = []
