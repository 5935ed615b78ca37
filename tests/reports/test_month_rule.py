"""Reports are generated only for months that have ended (DESIGN.md): the current
month in Asia/Jakarta and any later one are refused by every door, with one message
that points to the dashboard; beat's run of last month is not affected."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from blkk_portal.months import Month
from reports import services, tasks
from reports.models import ProgressReport, ReportRun
from tests.conftest import client_for

from .factories import ProgressReportFactory

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
# 7 December 2026, 09:00 WIB: December is the month so far, November has ended.
NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=JAKARTA)
NOT_ENDED = "Reports are generated only for months that have ended"
DASHBOARD = "The dashboard shows the month so far."


@pytest.fixture(autouse=True)
def _in_december():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _english_messages(english):
    pass


def refusal(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    assert set(caught.value.message_dict) == {"period"}
    [message] = caught.value.message_dict["period"]
    return message


@pytest.mark.parametrize("period", ["2026-12", "2027-05", "9999-12"])
@pytest.mark.parametrize(
    "entry_point",
    [
        lambda period: services.report_generate(
            scope="national", scope_code="", period=period
        ),
        lambda period: services.report_generate_async(
            scope="national", scope_code="", period=period, requested_by=None
        ),
        lambda period: services.reports_generate_month_async(period=period),
        lambda period: services.reports_generate_month_once(period=period),
        lambda period: services.reports_generate_month(month=Month.parse(period)),
    ],
    ids=[
        "report_generate",
        "report_generate_async",
        "reports_generate_month_async",
        "reports_generate_month_once",
        "reports_generate_month",
    ],
)
def test_every_service_refuses_a_month_that_has_not_ended(blkk_a, entry_point, period):
    message = refusal(lambda: entry_point(period))

    assert message.startswith(NOT_ENDED)
    assert DASHBOARD in message
    assert not ProgressReport.objects.exists()
    assert not ReportRun.objects.exists()


def test_the_message_names_the_month_as_a_person_reads_it(blkk_a):
    message = refusal(
        lambda: services.report_generate(
            scope="national", scope_code="", period="2026-12"
        )
    )
    assert message == (
        "Reports are generated only for months that have ended; December 2026 "
        "has not ended yet. The dashboard shows the month so far."
    )


def test_the_month_that_ended_is_generated(blkk_a):
    report = services.report_generate(scope="national", scope_code="", period="2026-11")
    assert report.period == datetime.date(2026, 11, 1)


@pytest.mark.parametrize(
    ("moment", "november_ended"),
    [
        # 00:30 WIB on 1 December is still 30 November in UTC: November has ended.
        (datetime.datetime(2026, 12, 1, 0, 30, tzinfo=JAKARTA), True),
        # 23:30 WIB on 30 November: a BLKK may still register someone today.
        (datetime.datetime(2026, 11, 30, 23, 30, tzinfo=JAKARTA), False),
    ],
)
def test_the_month_ends_on_the_portals_clock(blkk_a, moment, november_ended):
    def generate():
        return services.report_generate(
            scope="national", scope_code="", period="2026-11"
        )

    with time_machine.travel(moment, tick=False):
        if november_ended:
            assert generate().period == datetime.date(2026, 11, 1)
        else:
            assert refusal(generate).startswith(NOT_ENDED)


def test_beats_run_of_last_month_is_not_refused(
    blkk_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = tasks.reports_generate_last_month()

    run = ReportRun.objects.get(pk=run_id)
    assert run.period == datetime.date(2026, 11, 1)
    assert run.status == ReportRun.Status.DONE
    assert ProgressReport.objects.filter(period=run.period).exists()


@pytest.mark.parametrize("period", ["2026-12", "2027-05"])
def test_the_api_answers_400_on_period(world, period):
    client = client_for(world.users["ministry"])
    body = {"scope": "national", "scope_code": "", "period": period}

    # The API speaks the client's Accept-Language (pages follow the user's choice).
    response = client.post(
        "/api/v1/reports/generate/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    [message] = response.json()["period"]
    assert message.startswith(NOT_ENDED)
    assert not ReportRun.objects.exists()


def test_the_api_still_answers_403_first_for_a_report_out_of_reach(world):
    client = client_for(world.users["mentor_a"])
    body = {"scope": "national", "scope_code": "", "period": "2026-12"}

    response = client.post("/api/v1/reports/generate/", body, format="json")

    assert response.status_code == 403
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("scope", ["", "national"])
def test_the_admin_generate_page_shows_the_refusal_on_the_month(
    client, ministry_user, blkk_a, scope
):
    client.force_login(ministry_user)

    response = client.post(
        reverse("admin:reports_progressreport_generate"),
        {"period": "2026-12", "scope": scope},
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["period"]
    assert message.startswith(NOT_ENDED)
    assert not ReportRun.objects.exists()


def test_the_admin_regenerate_action_refuses_a_month_not_ended(
    client, ministry_user, blkk_a, django_capture_on_commit_callbacks
):
    # Stored before the rule: it can be read, not regenerated until December ends.
    current = ProgressReportFactory(period=datetime.date(2026, 12, 1))
    ended = ProgressReportFactory(period=datetime.date(2026, 11, 1))
    client.force_login(ministry_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:reports_progressreport_changelist"),
            {"action": "regenerate", "_selected_action": [current.pk, ended.pk]},
            follow=True,
        )

    page = response.content.decode()
    assert NOT_ENDED in page
    assert "1 report queued" in page
    assert list(ReportRun.objects.values_list("period", flat=True)) == [ended.period]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--period", "2026-12"],
        ["--period", "2027-05", "--scope", "national"],
        ["--period", "2026-12", "--scope", "province", "--scope-code", "32"],
    ],
)
def test_the_command_stops_with_the_message(blkk_a, arguments):
    with pytest.raises(CommandError, match=NOT_ENDED):
        call_command("generate_reports", *arguments)
    assert not ProgressReport.objects.exists()
