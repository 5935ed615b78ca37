"""The benchmark's baselines must serve what the portal serves, or the ratios in
docs/PERFORMANCE.md compare unlike things; and its table must flag a missed target."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bench import report
from tests.training.factories import (
    EnrollmentFactory,
    TraineeFactory,
    TrainingBatchFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


def test_raw_view_serves_the_apis_first_page(api, ministry_user, blkk_a, blkk_b):
    TraineeFactory.create_batch(30, blkk=blkk_a)
    TraineeFactory.create_batch(30, blkk=blkk_b)
    through_api = api(ministry_user).get("/api/v1/trainees/").json()["results"]
    raw = api(None).get("/bench/raw/trainees/").json()["results"]
    assert len(raw) == 50
    assert [row["id"] for row in raw] == [row["id"] for row in through_api]
    fields = ("nik", "full_name", "gender", "birth_date", "phone", "regency", "blkk")
    for row, served in zip(raw, through_api, strict=True):
        assert {name: row[name] for name in fields} == {
            name: served[name] for name in fields
        }


def test_raw_view_of_a_blkk_serves_the_managers_rows(api, manager_a, blkk_a, blkk_b):
    registered = TraineeFactory.create_batch(3, blkk=blkk_a)
    elsewhere = TraineeFactory.create_batch(3, blkk=blkk_b)
    EnrollmentFactory(trainee=elsewhere[0], batch=TrainingBatchFactory(blkk=blkk_a))
    through_api = api(manager_a).get("/api/v1/trainees/").json()["results"]
    raw = api(None).get(f"/bench/raw/trainees/?blkk={blkk_a.pk}").json()["results"]
    expected = {t.pk for t in registered} | {elsewhere[0].pk}
    assert {row["id"] for row in raw} == expected
    assert [row["id"] for row in raw] == [row["id"] for row in through_api]


def test_plain_admin_lists_the_same_model_for_a_superuser_only(
    client, ministry_user, blkk_a, django_user_model
):
    TraineeFactory.create_batch(3, blkk=blkk_a)
    path = reverse("plain_admin:training_trainee_changelist")
    client.force_login(ministry_user)
    assert client.get(path).status_code == 302  # to the plain admin's sign-in
    superuser = django_user_model.objects.create_superuser(
        username="bench-superuser", email="s@example.invalid", password=None
    )
    client.force_login(superuser)
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3


def _results(api_rps: float, p95_ms: float, kpi_orm_ms: float) -> dict:
    row = {"label": "x", "median_ms": 10.0, "p95_ms": p95_ms, "runs": 5, "queries": 4}
    small_row = row | {"median_ms": 9.0}
    return {
        "machine": {
            "date": "2026-12-07",
            "cpu_model": "test",
            "cores": 2,
            "python": "3.11",
            "postgres": "15",
        },
        "factors": {
            "0.1": {"measure": {"api": [small_row]}},
            "1": {
                "measure": {
                    "api": [row],
                    "kpis": {
                        "month": "2026-11",
                        "blkks": 3,
                        "orm_median_ms": kpi_orm_ms,
                        "sql_median_ms": 100.0,
                        "runs": 3,
                        "blkks_differing": 0,
                    },
                },
                "throughput": {
                    "raw SQL, ministry's rows": 1000.0,
                    "API, ministry": api_rps,
                    "raw SQL, manager's rows": 1000.0,
                    "API, manager": api_rps,
                    "rounds": 1,
                },
                "monthly": {
                    "month": "2026-11",
                    "seconds": 30.0,
                    "reports_with_files": 10,
                    "months_stored": 12,
                },
                "export": {"rows": 10, "seconds": 1.0, "peak_rss_mb": 60.0},
            },
        },
    }


def test_report_says_met_when_every_target_is_met():
    table, over = report.summary(_results(500.0, 50.0, 120.0), big="1", small="0.1")
    assert over == []
    assert "**no**" not in table
    assert table.count("| yes |") == 7


@pytest.mark.parametrize(
    ("api_rps", "p95_ms", "kpi_orm_ms", "missed"),
    [
        (300.0, 50.0, 120.0, 2),  # 30% of the raw view, both roles
        (500.0, 150.0, 120.0, 1),  # a p95 over 100 ms
        (500.0, 50.0, 140.0, 1),  # the KPI pass at 1.4x the SQL
    ],
)
def test_report_flags_each_missed_target(api_rps, p95_ms, kpi_orm_ms, missed):
    table, _over = report.summary(
        _results(api_rps, p95_ms, kpi_orm_ms), big="1", small="0.1"
    )
    assert table.count("**no**") == missed
