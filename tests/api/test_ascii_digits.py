"""ASCII digits only where a month, an id or an integer is read (issue #9, hole 9).

Python reads Arabic-Indic and full-width digits as numbers (`int("\\u0661")` is 1)
and strips whitespace; a month of "2026-01\\n" or an id of "\\uff11" must answer
like any other text that is not one: 400 with the field's message (404 in a path).
"""

from __future__ import annotations

import base64
import json
from importlib import import_module

import pytest
from django.conf import settings
from django.db import models
from django_filters import NumberFilter
from rest_framework import serializers

from blkk_portal.api.fields import AsciiDigitsOnly, PortalPrimaryKeyRelatedField
from blkk_portal.api.urls import router
from blkk_portal.forms import IntegerField
from incubator.models import Cohort, Venture
from mentoring.models import Mentor
from training.models import Blkk, TrainingBatch

from .resources import url

FULL_WIDTH_MONTH = "\uff12\uff10\uff12\uff16-\uff10\uff11"
ARABIC_INDIC_MONTH = "\u0662\u0660\u0662\u0666-\u0660\u0661"
BAD_MONTHS = ["2026-01\n", FULL_WIDTH_MONTH, ARABIC_INDIC_MONTH]
MONTH_MESSAGE = ["Give the month as YYYY-MM, for example 2026-03."]


def full_width(number: int) -> str:
    return str(number).translate({ord("0") + d: 0xFF10 + d for d in range(10)})


def arabic_indic(number: int) -> str:
    return str(number).translate({ord("0") + d: 0x0660 + d for d in range(10)})


# An id of a row that exists, in other digits: Python would read it as that row.
SPELLINGS = [full_width, arabic_indic]
BAD_IDS = [full_width(1), arabic_indic(1)]
TWENTY_THREE = "\u0662\u0663"  # Arabic-Indic 23
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NOT_AN_ID = ["Incorrect type. Expected pk value, received str."]


@pytest.fixture
def ministry(world, api):
    return api(world.users["ministry"])


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_a_month_filter_takes_ascii_yyyy_mm_only(ministry, month):
    response = ministry.get(url("venture-metrics"), {"period": month}, **EN)
    assert response.status_code == 400
    assert response.json() == {"period": MONTH_MESSAGE}


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_a_month_in_a_body_takes_ascii_yyyy_mm_only(world, ministry, month):
    venture = world.objects[Venture]["a"]
    metric = ministry.post(
        url("venture-metrics"),
        {"venture": venture.pk, "period": month, "revenue": 1},
        format="json",
        **EN,
    )
    generate = ministry.post(
        url("reports") + "generate/", {"scope": "national", "period": month}, **EN
    )

    assert (metric.status_code, generate.status_code) == (400, 400)
    assert metric.json() == generate.json() == {"period": MONTH_MESSAGE}


@pytest.mark.parametrize("body_format", ["json", "multipart"])
@pytest.mark.parametrize("spell", SPELLINGS)
def test_a_related_id_takes_ascii_digits_only(world, ministry, spell, body_format):
    blkk = world.objects[Blkk]["a"]
    body = {"blkk": spell(blkk.pk), "name": "Kohort Baru", "year": 2026}
    response = ministry.post(
        url("cohorts"), {**body, "start_date": "2026-08-01"}, format=body_format, **EN
    )

    assert response.status_code == 400
    assert response.json() == {"blkk": NOT_AN_ID}
    assert not Cohort.objects.filter(name="Kohort Baru").exists()


@pytest.mark.parametrize("spell", SPELLINGS)
def test_a_list_of_ids_takes_ascii_digits_only(world, ministry, spell):
    venture = world.objects[Venture]["a"]
    body = {
        "cohort": venture.cohort_id,
        "name": "Usaha Baru",
        "sector": "kuliner",
        "founders": [spell(venture.founders.get().pk)],
        "started_on": "2026-03-02",
    }
    response = ministry.post(url("ventures"), body, format="json", **EN)

    assert response.status_code == 400
    assert response.json() == {"founders": {"0": ["A valid integer is required."]}}


@pytest.mark.parametrize("spell", SPELLINGS)
def test_a_user_id_takes_ascii_digits_only(world, ministry, spell):
    user = world.users["mentor_b"]
    body = {
        "user": spell(user.pk),
        "full_name": "Mentor Baru",
        "affiliation": "industry",
    }
    response = ministry.post(url("mentors"), body, format="json", **EN)

    assert response.status_code == 400
    assert response.json() == {"user": NOT_AN_ID}
    assert not Mentor.objects.filter(full_name="Mentor Baru").exists()


@pytest.mark.parametrize("spell", SPELLINGS)
def test_an_id_filter_takes_ascii_digits_only(world, ministry, spell):
    cohort = world.objects[Cohort]["a"]
    response = ministry.get(url("ventures"), {"cohort": spell(cohort.pk)}, **EN)
    assert response.status_code == 400
    assert response.json() == {"cohort": ["Enter a whole number."]}


@pytest.mark.parametrize("spell", SPELLINGS)
def test_an_id_in_a_path_takes_ascii_digits_only(world, ministry, spell):
    venture, blkk = world.objects[Venture]["a"], world.objects[Blkk]["a"]
    assert ministry.get(url("ventures", venture.pk)).status_code == 200

    assert ministry.get(url("ventures", spell(venture.pk))).status_code == 404
    patch = ministry.patch(url("blkks", spell(blkk.pk)), {}, format="json")
    stage = ministry.post(f"{url('ventures', spell(venture.pk))}stage/", {})
    assert (patch.status_code, stage.status_code) == (404, 404)


@pytest.mark.parametrize("bad_number", BAD_IDS)
def test_a_page_number_takes_ascii_digits_only(ministry, bad_number):
    response = ministry.get(url("blkks"), {"page": bad_number}, **EN)
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


@pytest.mark.parametrize("bad_size", BAD_IDS)
def test_a_page_size_that_is_not_ascii_digits_is_ignored(ministry, bad_size):
    pages = ministry.get(url("blkks"), {"page_size": bad_size})
    cursor = ministry.get(url("trainees"), {"page_size": bad_size})

    assert len(pages.json()["results"]) == Blkk.objects.count() == 2
    assert len(cursor.json()["results"]) == 2


def test_a_cursor_whose_id_is_text_answers_404(ministry):
    payload = json.dumps({"b": 0, "v": ["Peserta A", "\u0661"]}).encode()
    cursor = base64.urlsafe_b64encode(payload).decode()
    assert ministry.get(url("trainees"), {"cursor": cursor}).status_code == 404


@pytest.mark.parametrize("capacity", [TWENTY_THREE, "\uff12\uff13", "23\n", " 23"])
def test_an_integer_takes_ascii_digits_only(world, ministry, capacity):
    batch = world.objects[TrainingBatch]["a"]
    response = ministry.patch(
        url("training-batches", batch.pk), {"capacity": capacity}, format="json", **EN
    )

    assert response.status_code == 400
    assert response.json() == {"capacity": ["A valid integer is required."]}
    batch.refresh_from_db()
    assert batch.capacity != 23


def test_an_integer_in_ascii_digits_is_still_read_from_text(world, ministry):
    batch = world.objects[TrainingBatch]["a"]
    response = ministry.patch(
        url("training-batches", batch.pk), {"capacity": "23"}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["capacity"] == 23


def _patterns(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern":
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


def test_every_pattern_in_the_schema_is_anchored_and_ascii(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    patterns = set(_patterns(schema))

    assert "^[0-9]{4}-(0[1-9]|1[0-2])$" in patterns
    for pattern in patterns:
        assert "\\d" not in pattern, pattern
        assert pattern.startswith("^"), pattern
        assert pattern.endswith("$"), pattern


# Every writable field and filter that reads an integer or an id, in every resource:
# a new one that used DRF's or Django's own would read Unicode digits again.


def _fields(field):
    yield field
    if isinstance(field, serializers.BaseSerializer) and hasattr(field, "fields"):
        for child in field.fields.values():
            yield from _fields(child)
    for attribute in ("child", "child_relation"):
        child = getattr(field, attribute, None)
        if child is not None:
            yield from _fields(child)


def _serializer_classes():
    """Every serializer of the API's modules that reads input: all but those of
    read-only resources."""
    read_only = {
        viewset.serializer_class
        for _prefix, viewset, _basename in router.registry
        if not hasattr(viewset, "create")
    }
    for app in settings.PORTAL_APPS:
        module = import_module(f"{app}.api.serializers")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, serializers.Serializer)
                and value.__module__ == module.__name__
                and value not in read_only
            ):
                yield value


def _integer_reading_fields():
    for serializer_class in _serializer_classes():
        for field in _fields(serializer_class()):
            if field.read_only:
                continue
            if isinstance(field, serializers.IntegerField):
                yield serializer_class, field, AsciiDigitsOnly
            elif isinstance(field, serializers.PrimaryKeyRelatedField) and isinstance(
                field.queryset.model._meta.pk, models.IntegerField
            ):
                yield serializer_class, field, PortalPrimaryKeyRelatedField


def test_every_writable_integer_or_id_field_reads_ascii_digits_only(db):
    found = list(_integer_reading_fields())
    wrong = [
        f"{serializer.__name__}.{field.field_name}: {type(field).__name__}"
        for serializer, field, expected in found
        if not isinstance(field, expected)
    ]
    assert len(found) > 10
    assert wrong == []


def test_every_number_filter_reads_ascii_digits_only():
    filters = [
        (viewset.filterset_class.__name__, name, flt)
        for _prefix, viewset, _basename in router.registry
        if getattr(viewset, "filterset_class", None)
        for name, flt in viewset.filterset_class.base_filters.items()
        if isinstance(flt, NumberFilter)
    ]
    assert filters
    wrong = [
        (owner, name)
        for owner, name, flt in filters
        if flt.field_class is not IntegerField
    ]
    assert wrong == []


ARABIC_INDIC_DATE = "\u0662\u0660\u0662\u0666-\u0660\u0665-\u0660\u0661"
FULL_WIDTH_DATE = "\uff12\uff10\uff12\uff16-\uff10\uff15-\uff10\uff11"


@pytest.mark.parametrize(
    "day", ["2026-05-01\n", " 2026-05-01", ARABIC_INDIC_DATE, FULL_WIDTH_DATE]
)
def test_a_date_takes_ascii_yyyy_mm_dd_only(world, ministry, day):
    batch = world.objects[TrainingBatch]["a"]
    response = ministry.patch(
        url("training-batches", batch.pk), {"end_date": day}, format="json", **EN
    )

    assert response.status_code == 400
    assert "Date has wrong format" in response.json()["end_date"][0]
    batch.refresh_from_db()
    assert str(batch.end_date) != "2026-05-01"


def test_a_stage_change_date_takes_ascii_digits_only(world, ministry):
    venture = world.objects[Venture]["a"]
    response = ministry.post(
        f"{url('ventures', venture.pk)}stage/",
        {"to_stage": "incubation", "changed_on": ARABIC_INDIC_DATE},
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert "changed_on" in response.json()


def test_a_date_in_ascii_digits_is_still_read(world, ministry):
    batch = world.objects[TrainingBatch]["a"]
    response = ministry.patch(
        url("training-batches", batch.pk), {"end_date": "2026-05-01"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["end_date"] == "2026-05-01"
