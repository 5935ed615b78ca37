"""Portal paths of the training app (`/blkk/...`), included by `blkk_portal/urls.py`."""

from __future__ import annotations

from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

from blkk_portal.pages import blkk_section

from . import views
from .views import contact as contact_pages
from .views import trainees as trainee_pages


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

# --- a BLKK's trainees and contact details -------------------------------------------

blkk_section(_("Trainees"), "trainee-list", order=10)
blkk_section(_("Contact details"), "blkk-contact", order=90)

urlpatterns += [
    path(
        "blkk/<blkk:code>/trainees/",
        trainee_pages.trainee_list,
        name="trainee-list",
    ),
    path(
        "blkk/<blkk:code>/trainees/new/",
        trainee_pages.trainee_create,
        name="trainee-create",
    ),
    path(
        "blkk/<blkk:code>/trainees/check/",
        trainee_pages.trainee_check,
        name="trainee-check",
    ),
    path(
        "blkk/<blkk:code>/trainees/<int:pk>/",
        trainee_pages.trainee_detail,
        name="trainee-detail",
    ),
    path(
        "blkk/<blkk:code>/trainees/<int:pk>/edit/",
        trainee_pages.trainee_update,
        name="trainee-update",
    ),
    path("blkk/<blkk:code>/contact/", contact_pages.blkk_contact, name="blkk-contact"),
]
