"""The one JSON reader (blkk_portal/api/parsers.py): nesting beyond the limit is a
400 that says so, at every door that reads JSON, and strings do not count."""

from __future__ import annotations

import base64

import pytest
from rest_framework.parsers import JSONParser
from rest_framework.test import APIClient

from blkk_portal.api.parsers import (
    MAX_JSON_DEPTH,
    JsonTooDeep,
    PortalJSONParser,
    json_depth,
    loads,
)
from blkk_portal.api.urls import router, urlpatterns
from incubator.models import Cohort, Venture

from .resources import url

# About 950 levels of `[` broke Python's recursive parser with a RecursionError (500).
DEEP = "[" * 950 + "]" * 950
TOO_DEEP_EN = f"The JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)."


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("", 0),
        ('{"a": 1}', 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[", "]]]]{{{{"]', 1),
        (r'["\"[[[[\\", "[["]', 1),
        ('{"a": "unterminated [[[[', 1),
        ('"\\', 0),
        ("[" * 5, 5),
        ('[[]] [[[ "]]]" ]]]', 3),
    ],
)
def test_depth_counts_brackets_outside_strings_only(text, depth):
    assert json_depth(text) == depth


def test_loads_refuses_nesting_beyond_the_limit_but_not_at_it():
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    nested = loads(at_limit)
    for _level in range(MAX_JSON_DEPTH - 1):
        (nested,) = nested
    assert nested == []
    with pytest.raises(JsonTooDeep):
        loads("[" + at_limit + "]")


def test_loads_reads_a_megabyte_of_brackets_inside_strings():
    body = '{"note": "' + "[{" * 500_000 + '"}'
    assert loads(body)["note"].startswith("[{[{")


def test_loads_refuses_a_megabyte_of_unbalanced_openers():
    with pytest.raises(JsonTooDeep):
        loads("[" * 1_000_000)


@pytest.fixture
def ministry(world, api):
    return api(world.users["ministry"])


def _doors(world) -> list[str]:
    venture = world.objects[Venture]["a"]
    return [url("cohorts"), url("ventures"), f"{url('ventures', venture.pk)}stage/"]


@pytest.mark.parametrize("door", range(3), ids=["cohorts", "ventures", "stage"])
def test_deeply_nested_json_answers_400_saying_so(world, ministry, door):
    response = ministry.post(
        _doors(world)[door],
        DEEP,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": TOO_DEEP_EN}
    assert Cohort.objects.count() == 2


def test_deeply_nested_json_to_the_token_endpoint_answers_400_unauthenticated(db):
    body = "[" * 2048  # 2 KB, never closed
    response = APIClient().post(
        "/api/v1/auth/token/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": TOO_DEEP_EN}


def test_brackets_inside_strings_are_text_not_nesting(world, ministry):
    cohort = world.objects[Cohort]["a"]
    name = "[" * 150

    response = ministry.patch(url("cohorts", cohort.pk), {"name": name}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["name"] == name


def test_a_cursor_of_deeply_nested_json_answers_404_like_any_bad_cursor(ministry):
    cursor = base64.urlsafe_b64encode(b"[" * 3000).decode()
    response = ministry.get(url("trainees"), {"cursor": cursor})
    assert response.status_code == 404


def _views():
    for pattern in urlpatterns:
        view = getattr(pattern.callback, "cls", None)
        if view is not None:
            yield view
    for _prefix, viewset, _basename in router.registry:
        yield viewset


@pytest.mark.parametrize("view", list(_views()), ids=lambda view: view.__name__)
def test_every_api_view_reads_json_through_the_depth_limited_parser(view):
    json_parsers = [p for p in view.parser_classes if issubclass(p, JSONParser)]
    assert json_parsers
    assert all(issubclass(p, PortalJSONParser) for p in json_parsers)
