"""Portal paths of the training app (`/blkk/...`), included by `blkk_portal/urls.py`."""

from __future__ import annotations

from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

from blkk_portal.pages import blkk_section

from . import views
from .views import batches


class BlkkCodeConverter:
    """A BLKK's registration code in a path (`validate_blkk_code`: capitals, digits,
    dots, dashes, slashes). The paths below it are lower-case words and ids, so a
    code with a slash still ends where they begin."""

    regex = r"[A-Z0-9][A-Z0-9.\-/]{2,39}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(BlkkCodeConverter, "blkk")

urlpatterns = [
    path("blkk/", views.blkk_list, name="blkk-list"),
]

# --- batches, enrollments, certifications, outcomes, follow-ups ---------------------

blkk_section(_("Batches"), "batch-list", order=20)

BLKK = "blkk/<blkk:code>/"
urlpatterns += [
    path(f"{BLKK}batches/", batches.batch_list, name="batch-list"),
    path(f"{BLKK}batches/new/", batches.batch_create, name="batch-create"),
    path(f"{BLKK}batches/<int:pk>/", batches.batch_detail, name="batch-detail"),
    path(f"{BLKK}batches/<int:pk>/edit/", batches.batch_update, name="batch-update"),
    path(f"{BLKK}batches/<int:pk>/enroll/", batches.batch_enroll, name="batch-enroll"),
]
