"""Cohorts, ventures and their stage, milestones and monthly metrics via the API."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from incubator.models import Cohort, StageChange, Venture, VentureMetric
from mentoring.models import MentorAssignment
from training.models import Trainee

from .conftest import ids


def venture_body(world, **overrides) -> dict:
    body = {
        "cohort": world.objects[Cohort]["a"].pk,
        "name": "Keripik Tempe Barokah",
        "sector": "makanan",
        "founders": [world.objects[Trainee]["a"].pk],
        "stage": "incubation",
        "nib": "9120001234567",
        "started_on": "2026-04-10",
    }
    return {**body, **overrides}


def test_creating_a_venture_records_its_first_stage(world, api):
    response = api(world.users["manager_a"]).post(
        "/api/v1/ventures/", venture_body(world), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "incubation"
    assert body["founders"] == [world.objects[Trainee]["a"].pk]
    assert [
        (h["from_stage"], h["to_stage"], h["changed_on"]) for h in body["stage_history"]
    ] == [("", "incubation", "2026-04-10")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"founders": []}, "founders"),
        ({"founders": [999_999]}, "founders"),
        ({"nib": "12345"}, "nib"),
        ({"stage": "launched"}, "stage"),
        ({"started_on": "2999-01-01"}, "started_on"),
    ],
)
def test_a_bad_venture_is_refused_and_nothing_is_stored(world, api, overrides, field):
    before = (Venture.objects.count(), StageChange.objects.count())

    response = api(world.users["manager_a"]).post(
        "/api/v1/ventures/", venture_body(world, **overrides), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert (Venture.objects.count(), StageChange.objects.count()) == before


def test_founders_from_another_blkk_are_refused_as_unknown(world, api):
    body = venture_body(world, founders=[world.objects[Trainee]["b"].pk])
    response = api(world.users["manager_a"]).post(
        "/api/v1/ventures/", body, format="json"
    )
    assert response.status_code == 400
    assert "founders" in response.json()


def test_a_venture_whose_founders_fail_to_store_leaves_nothing(world, api, monkeypatch):
    """All or nothing: the venture row is rolled back when a later step fails."""
    from incubator import services

    def broken_history(*, venture, by):
        raise services.ValidationError({"stage": "simulated failure"})

    monkeypatch.setattr(services, "venture_record_initial_stage", broken_history)
    before = Venture.objects.count()

    response = api(world.users["manager_a"]).post(
        "/api/v1/ventures/", venture_body(world), format="json"
    )

    assert response.status_code == 400
    assert Venture.objects.count() == before


def test_the_stage_cannot_be_edited_on_the_venture(world, api):
    venture = world.objects[Venture]["a"]
    response = api(world.users["manager_a"]).patch(
        f"/api/v1/ventures/{venture.pk}/", {"stage": "graduated"}, format="json"
    )
    assert response.status_code == 400
    assert "stage" in response.json()
    venture.refresh_from_db()
    assert venture.stage == "pre_incubation"


def test_the_stage_endpoint_moves_forward_and_writes_history(world, api):
    venture = world.objects[Venture]["a"]
    client = api(world.users["manager_a"])

    response = client.post(
        f"/api/v1/ventures/{venture.pk}/stage/",
        {"to_stage": "incubation", "changed_on": "2026-05-01", "note": "Lolos seleksi"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["from_stage"] == "pre_incubation"
    assert response.json()["changed_by"] == world.users["manager_a"].pk
    shown = client.get(f"/api/v1/ventures/{venture.pk}/").json()
    assert shown["stage"] == "incubation"
    assert [h["to_stage"] for h in shown["stage_history"]] == [
        "pre_incubation",
        "incubation",
    ]


@pytest.mark.parametrize(
    ("to_stage", "changed_on", "field"),
    [
        ("pre_incubation", "2026-05-01", "to_stage"),  # not a move
        ("nowhere", "2026-05-01", "to_stage"),
        ("incubation", "2026-03-01", "changed_on"),  # before the venture started
        ("incubation", "2999-01-01", "changed_on"),
    ],
)
def test_the_stage_endpoint_refuses_what_the_rules_forbid(
    world, api, to_stage, changed_on, field
):
    venture = world.objects[Venture]["a"]
    response = api(world.users["manager_a"]).post(
        f"/api/v1/ventures/{venture.pk}/stage/",
        {"to_stage": to_stage, "changed_on": changed_on},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert venture.stage_changes.count() == 1


def test_a_final_stage_is_final(world, api):
    venture = world.objects[Venture]["a"]
    client = api(world.users["manager_a"])
    url = f"/api/v1/ventures/{venture.pk}/stage/"
    assert client.post(url, {"to_stage": "dropped"}, format="json").status_code == 201
    again = client.post(url, {"to_stage": "incubation"}, format="json")
    assert again.status_code == 400


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("province_32", 403), ("mentor_a", 403), ("manager_b", 404), ("ministry", 201)],
)
def test_who_may_move_a_stage(world, api, persona, expected):
    venture = world.objects[Venture]["a"]
    response = api(world.users[persona]).post(
        f"/api/v1/ventures/{venture.pk}/stage/",
        {"to_stage": "incubation"},
        format="json",
    )
    assert response.status_code == expected


def test_ventures_filter_by_blkk_cohort_and_stage(world, api):
    client = api(world.users["ministry"])
    venture_a = world.objects[Venture]["a"]
    assert ids(
        client.get("/api/v1/ventures/", {"blkk": world.objects[Cohort]["a"].blkk_id})
    ) == {venture_a.pk}
    assert ids(client.get("/api/v1/ventures/", {"cohort": venture_a.cohort_id})) == {
        venture_a.pk
    }
    assert ids(client.get("/api/v1/ventures/", {"stage": "graduated"})) == set()


def test_metrics_take_and_show_the_month_as_yyyy_mm(world, api):
    venture = world.objects[Venture]["a"]
    client = api(world.users["manager_a"])

    response = client.post(
        "/api/v1/venture-metrics/",
        {
            "venture": venture.pk,
            "period": "2026-05",
            "revenue": 3_000_000,
            "workers": 3,
            "customers": 40,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["period"] == "2026-05"
    stored = VentureMetric.objects.get(pk=response.json()["id"])
    assert stored.period == datetime.date(2026, 5, 1)
    listed = client.get("/api/v1/venture-metrics/", {"period": "2026-05"})
    assert ids(listed) == {stored.pk}


@pytest.mark.parametrize(
    "period", ["2026-13", "2026-5", "2026-05-01", "Mei 2026", 202605]
)
def test_a_bad_month_is_refused(world, api, period):
    venture = world.objects[Venture]["a"]
    response = api(world.users["manager_a"]).post(
        "/api/v1/venture-metrics/",
        {"venture": venture.pk, "period": period, "revenue": 1, "workers": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "period" in response.json()


def test_a_month_not_yet_begun_is_refused(world, api):
    venture = world.objects[Venture]["a"]
    next_year = timezone.localdate().year + 1
    response = api(world.users["manager_a"]).post(
        "/api/v1/venture-metrics/",
        {"venture": venture.pk, "period": f"{next_year}-01", "workers": 1},
        format="json",
    )
    assert response.status_code == 400


def test_a_second_report_for_the_same_month_is_refused(world, api):
    metric = world.objects[VentureMetric]["a"]
    response = api(world.users["manager_a"]).post(
        "/api/v1/venture-metrics/",
        {"venture": metric.venture_id, "period": f"{metric.period:%Y-%m}"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This venture already reported that month."]
    }


def test_a_bad_month_filter_is_a_400(world, api):
    response = api(world.users["ministry"]).get(
        "/api/v1/venture-metrics/", {"period": "2026-99"}
    )
    assert response.status_code == 400
    assert "period" in response.json()


def test_a_mentor_reports_metrics_only_while_actively_mentoring(world, api):
    venture_a = world.objects[Venture]["a"]
    client = api(world.users["mentor_a"])
    body = {"venture": venture_a.pk, "period": "2026-06", "workers": 4}

    assert (
        client.post("/api/v1/venture-metrics/", body, format="json").status_code == 201
    )

    assignment = MentorAssignment.objects.get(venture=venture_a)
    assignment.status = "ended"
    assignment.save()
    body["period"] = "2026-07"
    ended = client.post("/api/v1/venture-metrics/", body, format="json")
    assert ended.status_code == 400
    assert "venture" in ended.json()


def test_a_mentor_cannot_report_for_a_venture_they_do_not_mentor(world, api):
    body = {"venture": world.objects[Venture]["b"].pk, "period": "2026-06"}
    response = api(world.users["mentor_a"]).post(
        "/api/v1/venture-metrics/", body, format="json"
    )
    assert response.status_code == 400
    assert "venture" in response.json()


def test_a_manager_changes_a_ventures_founders(world, api):
    venture = world.objects[Venture]["a"]
    founder = world.objects[Trainee]["a"]
    client = api(world.users["manager_a"])
    body = {
        "full_name": "Dewi Lestari",
        "nik": "3273015203980004",
        "gender": "F",
        "birth_date": "1998-03-12",
        "regency": "32.73",
        "education": "sma",
        "prior_status": "unemployed",
    }
    second = client.post("/api/v1/trainees/", body, format="json").json()["id"]

    response = client.patch(
        f"/api/v1/ventures/{venture.pk}/",
        {"founders": [founder.pk, second]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert sorted(response.json()["founders"]) == sorted([founder.pk, second])
    assert set(venture.founders.values_list("pk", flat=True)) == {founder.pk, second}
