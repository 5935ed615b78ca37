"""Every response carries the Content-Security-Policy, and no page it covers needs an
inline script: the login page, the admin and the API docs are parsed and checked."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from incubator.models import Venture
from tests.admin_forms import admin_url
from training.models import Blkk, Trainee

CSP = "Content-Security-Policy"
# Types whose content a browser never runs (data for scripts that are files).
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}


def directives(response) -> dict[str, list[str]]:
    policy = response[CSP]
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


class InlineScriptFinder(HTMLParser):
    """Collects what a strict `script-src` refuses: script tags without `src` (data
    blocks aside), `on...=` handler attributes and `javascript:` links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        script_type = (attributes.get("type") or "").lower()
        if (
            tag == "script"
            and not attributes.get("src")
            and script_type not in DATA_BLOCK_TYPES
        ):
            self.found.append(f"<script> without src: {attributes}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_scripts(response) -> list[str]:
    finder = InlineScriptFinder()
    finder.feed(response.content.decode())
    return finder.found


def assert_strict_policy(response) -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]


def test_login_page_has_a_strict_policy_and_no_inline_script(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_strict_policy(response)
    assert directives(response)["style-src"] == ["'self'"]
    assert inline_scripts(response) == []


def test_api_answers_carry_the_policy(client, db, api, manager_a):
    anonymous = client.get("/api/v1/trainees/")
    assert anonymous.status_code == 401
    assert_strict_policy(anonymous)
    signed_in = api(manager_a).get("/api/v1/trainees/")
    assert signed_in.status_code == 200
    assert_strict_policy(signed_in)


def test_error_pages_carry_the_policy(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_strict_policy(response)


def test_api_docs_page_loads_its_script_as_a_file(client, db):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert_strict_policy(response)
    assert inline_scripts(response) == []
    assert "<style" not in response.content.decode()
    # Swagger UI's stylesheet draws its icons from data: images.
    assert set(directives(response)["img-src"]) == {"'self'", "data:"}


def test_api_docs_script_is_served_from_the_portal(client, db):
    response = client.get(reverse("api-docs"), {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_admin_login_page_has_no_inline_script(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert_strict_policy(response)
    assert inline_scripts(response) == []


@pytest.mark.parametrize(
    "page",
    [
        lambda world: reverse("admin:index"),
        lambda world: admin_url(Trainee, "changelist"),
        lambda world: admin_url(Trainee, "change", world.objects[Trainee]["a"].pk),
        lambda world: admin_url(Venture, "change", world.objects[Venture]["a"].pk),
        lambda world: admin_url(Venture, "add"),
        lambda world: admin_url(Blkk, "history", world.objects[Blkk]["a"].pk),
        lambda world: reverse("admin:django_celery_beat_periodictask_add"),
    ],
    ids=[
        "index",
        "trainee list",
        "trainee change",
        "venture change",
        "venture add",
        "history",
        "periodic task add",
    ],
)
def test_admin_pages_have_no_inline_script(admin_client_for, world, page):
    response = admin_client_for("ministry").get(page(world))
    assert response.status_code == 200
    assert_strict_policy(response)
    assert inline_scripts(response) == []


def test_only_the_admin_allows_inline_styles(admin_client_for, world):
    client = admin_client_for("ministry")
    history = client.get(admin_url(Blkk, "history", world.objects[Blkk]["a"].pk))
    # What the relaxation is for: django-simple-history's paginator.
    assert 'style="' in history.content.decode()
    assert set(directives(history)["style-src"]) == {"'self'", "'unsafe-inline'"}
    assert directives(client.get(reverse("home")))["style-src"] == ["'self'"]
