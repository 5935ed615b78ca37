"""The operators' command `generate_reports`."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from reports.models import ProgressReport
from tests.accounts.factories import UserFactory

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
