"""The operators' command `generate_reports`."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from reports import services
from reports.models import ProgressReport
from tests.accounts.factories import UserFactory
from tests.training.factories import BlkkFactory, TraineeFactory, regency

pytestmark = pytest.mark.django_db


def test_command_generates_one_report(blkk_a, capsys):
    call_command(
        "generate_reports", "--period", "2026-04", "--scope", "blkk",
        "--scope-code", blkk_a.code,
    )  # fmt: skip

    report = ProgressReport.objects.get()
    assert (report.scope, report.scope_code, f"{report.period:%Y-%m}") == (
        "blkk",
        blkk_a.code,
        "2026-04",
    )
    assert report.xlsx_file
    assert "Generated" in capsys.readouterr().out


def test_command_without_scope_generates_the_whole_month_and_mails(blkk_a, blkk_b):
    UserFactory(blkk_manager=True, managed_blkks=[blkk_a])

    call_command("generate_reports", "--period", "2026-04", "--mail")

    assert ProgressReport.objects.count() == 5  # country, 2 provinces, 2 BLKKs
    assert not ProgressReport.objects.filter(xlsx_file="").exists()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "period", ["2026-13", "04-2026", "april", "2026-4", "2026-04\n"]
)
def test_command_refuses_a_bad_period_clearly(db, period):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("generate_reports", "--period", period)
    assert not ProgressReport.objects.exists()


def test_command_refuses_an_unknown_scope_code(db):
    with pytest.raises(CommandError, match="no such province"):
        call_command(
            "generate_reports", "--period", "2026-04", "--scope", "province",
            "--scope-code", "99",
        )  # fmt: skip


def test_command_refuses_a_scope_code_without_a_scope(db):
    with pytest.raises(CommandError, match="--scope-code needs --scope"):
        call_command("generate_reports", "--period", "2026-04", "--scope-code", "32")


def test_command_refuses_fewer_than_one_job(db):
    with pytest.raises(CommandError, match="--jobs must be 1 or more"):
        call_command("generate_reports", "--period", "2026-04", "--jobs", "0")
    assert not ProgressReport.objects.exists()


NOW = datetime.datetime(2026, 5, 2, 3, tzinfo=datetime.UTC)


def file_bytes(report: ProgressReport) -> tuple[bytes, bytes]:
    with report.xlsx_file.open("rb") as xlsx, report.csv_file.open("rb") as csv:
        return xlsx.read(), csv.read()


# The processes see only what is committed: a transactional test, whose regions
# and trades `serialized_rollback` puts back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_monthly_run_renders_the_same_files_in_two_processes_as_in_one(
    settings, tmp_path, monkeypatch, capsys
):
    # Six reports (the country, two provinces, three BLKKs) in three chunks.
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    for regency_code in ("32.73", "32.04", "35.78"):
        blkk = BlkkFactory(regency=regency(regency_code))
        TraineeFactory(blkk=blkk, registered_on=datetime.date(2026, 4, 9))
    files = {}
    for jobs in ("1", "2"):
        settings.MEDIA_ROOT = tmp_path / f"jobs-{jobs}"
        # The same clock, so the same `generated_at` in both runs' files.
        with time_machine.travel(NOW, tick=False):
            call_command("generate_reports", "--period", "2026-04", "--jobs", jobs)
        files[jobs] = {
            (report.scope, report.scope_code): file_bytes(report)
            for report in ProgressReport.objects.all()
        }

    output = capsys.readouterr().out
    assert "Generated 6 reports for 2026-04 (1 process)." in output
    assert "Generated 6 reports for 2026-04 (2 processes)." in output
    assert len(files["2"]) == 6
    assert files["2"] == files["1"]
    assert not ProgressReport.objects.unfinished().exists()
