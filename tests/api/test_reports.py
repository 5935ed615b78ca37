"""`reports/`, `reports/generate/`, `report-runs/`: scoped reads, 202 generation."""

from __future__ import annotations

import datetime

import pytest

from reports.models import ProgressReport
from training.models import Blkk

from .conftest import ids

APRIL = datetime.date(2026, 4, 1)


@pytest.fixture
def national(world):
    return ProgressReport.objects.create(
        scope="national",
        scope_code="",
        period=APRIL,
        kpis={"blkk_count": 2},
        generated_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
    )


@pytest.mark.parametrize(
    ("persona", "sides"),
    [
        ("ministry", {"a", "b"}),
        ("province_32", {"a"}),
        ("manager_a", {"a"}),
        ("manager_b", {"b"}),
        ("mentor_a", set()),
    ],
)
def test_everyone_reads_the_national_report_and_their_own_blkks(
    world, api, national, persona, sides
):
    blkk_reports = world.objects[ProgressReport]
    listed = ids(api(world.users[persona]).get("/api/v1/reports/"))
    assert listed == {national.pk} | {blkk_reports[side].pk for side in sides}


def test_report_fields_and_filters(world, api, national):
    client = api(world.users["ministry"])
    report_a = world.objects[ProgressReport]["a"]

    shown = client.get(f"/api/v1/reports/{national.pk}/").json()

    assert shown["period"] == "2026-04"
    assert shown["kpis"] == {"blkk_count": 2}
    assert shown["files"] == {"xlsx": None, "csv": None}
    assert ids(client.get("/api/v1/reports/", {"scope": "national"})) == {national.pk}
    assert ids(client.get("/api/v1/reports/", {"scope_code": report_a.scope_code})) == {
        report_a.pk
    }
    assert len(ids(client.get("/api/v1/reports/", {"period": "2026-04"}))) == 3
    assert client.get("/api/v1/reports/", {"period": "April"}).status_code == 400


def test_another_blkks_report_answers_404(world, api):
    report_b = world.objects[ProgressReport]["b"]
    client = api(world.users["manager_a"])
    assert client.get(f"/api/v1/reports/{report_b.pk}/").status_code == 404
    file_url = f"/api/v1/reports/{report_b.pk}/files/xlsx/"
    assert client.get(file_url).status_code == 404


def test_a_manager_generates_their_blkks_report_and_downloads_it(
    world, api, django_capture_on_commit_callbacks
):
    blkk_a = world.objects[Blkk]["a"]
    client = api(world.users["manager_a"])
    body = {"scope": "blkk", "scope_code": blkk_a.code, "period": "2026-04"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/reports/generate/", body, format="json")

    assert response.status_code == 202, response.content
    accepted = response.json()
    assert accepted["task_id"]
    run = client.get(accepted["status_url"]).json()
    assert run["status"] == "done"
    assert run["done"] == run["reports_total"] == 1
    report = client.get(f"/api/v1/reports/{run['reports'][0]}/").json()
    assert report["scope_code"] == blkk_a.code
    assert report["kpis"]["trainees_registered"] == 0
    download = client.get(report["files"]["xlsx"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content)[:2] == b"PK"  # a zip: XLSX


@pytest.mark.parametrize(
    ("persona", "scope", "code", "expected"),
    [
        ("ministry", "national", "", 202),
        ("province_32", "province", "32", 202),
        ("province_32", "blkk", "BLKK-32.73-001", 202),
        ("province_32", "province", "35", 403),
        ("province_32", "national", "", 403),
        ("manager_a", "blkk", "BLKK-35.78-002", 403),
        ("manager_a", "blkk", "NO-SUCH-BLKK", 403),  # nothing revealed
        ("mentor_a", "blkk", "BLKK-32.73-001", 403),
        ("ministry", "blkk", "NO-SUCH-BLKK", 400),
        ("ministry", "national", "32", 400),
    ],
)
def test_who_may_generate_what(world, api, persona, scope, code, expected):
    body = {"scope": scope, "scope_code": code, "period": "2026-04"}
    response = api(world.users[persona]).post(
        "/api/v1/reports/generate/", body, format="json"
    )
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(
    "body",
    [
        {"scope": "galaxy", "period": "2026-04"},
        {"scope": "national", "period": "2026-13"},
        {"scope": "national"},
        {"scope": "national", "period": "2026-04", "scope_code": "\x00"},
    ],
)
def test_bad_generation_requests_answer_400(world, api, body):
    response = api(world.users["ministry"]).post(
        "/api/v1/reports/generate/", body, format="json"
    )
    assert response.status_code == 400


def test_runs_are_visible_to_their_requester_and_the_ministry(
    world, api, django_capture_on_commit_callbacks
):
    body = {"scope": "province", "scope_code": "32", "period": "2026-04"}
    with django_capture_on_commit_callbacks(execute=True):
        run_id = (
            api(world.users["province_32"])
            .post("/api/v1/reports/generate/", body, format="json")
            .json()["run"]
        )
    ministry = api(world.users["ministry"]).get(f"/api/v1/report-runs/{run_id}/")
    assert ministry.status_code == 200
    other = api(world.users["manager_a"]).get(f"/api/v1/report-runs/{run_id}/")
    assert other.status_code == 404
