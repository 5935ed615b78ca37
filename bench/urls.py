"""The portal's own URLs, and the benchmark's baselines beside them."""

from __future__ import annotations

from django.urls import path

from blkk_portal.urls import urlpatterns as portal_urlpatterns

from . import raw
from .plain_admin import plain_site

urlpatterns = [
    path("bench/raw/trainees/", raw.trainees_first_page, name="bench-raw-trainees"),
    path("bench/plain-admin/", plain_site.urls),
    *portal_urlpatterns,
]
