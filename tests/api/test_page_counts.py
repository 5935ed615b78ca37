"""Numbered pages count only when the page itself cannot tell the count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import UserFactory
from tests.training.factories import PartnerFactory
from training.models import Partner

PARTNERS = "/api/v1/partners/"


@pytest.fixture
def client(db, api):
    return api(UserFactory(ministry=True))


def _get(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PARTNERS, params)
    counted = sum("COUNT(" in q["sql"] for q in queries.captured_queries)
    return response, counted


def test_a_page_that_is_not_full_gives_the_count_without_counting(client):
    PartnerFactory.create_batch(2)

    response, counted = _get(client, {"page_size": 5})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert len(body["results"]) == 2
    assert counted == 0


def test_a_full_page_is_counted(client):
    PartnerFactory.create_batch(5)

    response, counted = _get(client, {"page_size": 3})

    body = response.json()
    assert body["count"] == 5
    assert body["next"].endswith("page=2&page_size=3")
    assert counted == 1


def test_the_last_page_counts_from_the_rows_before_it(client):
    PartnerFactory.create_batch(5)
    expected = list(Partner.objects.order_by("name", "pk").values_list("pk", flat=True))

    response, counted = _get(client, {"page_size": 3, "page": 2})

    body = response.json()
    assert body["count"] == 5
    assert body["next"] is None
    assert body["previous"].endswith("page_size=3")
    assert [row["id"] for row in body["results"]] == expected[3:]
    assert counted == 0


def test_an_exactly_full_last_page_is_counted_and_has_no_next(client):
    PartnerFactory.create_batch(6)

    response, counted = _get(client, {"page_size": 3, "page": 2})

    body = response.json()
    assert (body["count"], body["next"]) == (6, None)
    assert counted == 1


@pytest.mark.parametrize("page", ["3", "99"])
def test_a_page_past_the_end_answers_404(client, page):
    PartnerFactory.create_batch(5)

    response, _counted = _get(client, {"page_size": 3, "page": page})

    assert response.status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "x", "\u0662"])
def test_a_page_that_is_not_a_page_number_answers_404(client, page):
    PartnerFactory.create_batch(2)

    assert _get(client, {"page": page})[0].status_code == 404


def test_an_empty_list_has_one_empty_page(client):
    response, counted = _get(client, {})

    assert response.status_code == 200
    assert response.json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    assert counted == 0


def test_page_last_still_names_the_last_page(client):
    PartnerFactory.create_batch(5)

    response, counted = _get(client, {"page_size": 3, "page": "last"})

    body = response.json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert counted == 1
