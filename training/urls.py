"""Portal paths of the training app (`/blkk/...`), included by `blkk_portal/urls.py`."""

from __future__ import annotations

from django.urls import path, register_converter

from . import views


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
