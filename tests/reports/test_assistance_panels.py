"""Intake and assistance on the dashboards (`/dashboard/`, `/dashboard/province/CODE/`):
the tiles of applications received and accepted, the value of the assistance
delivered this year by province (the country) or by BLKK (a province), and the
assistance not checked for more than six months. Who sees what, the Indonesian
formats, the links, and query counts that do not grow with the rows.

"Today" is 12 May 2026 (Asia/Jakarta): this year began on 1 January 2026, and six
months before today is 12 November 2025 (an assistance last seen that day is not
yet due; the day before, it is).
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incubator.models import Assistance
from incubator.selectors import assistance_check_due_since
from tests.incubator.factories import (
    AssistanceFactory,
    CohortApplicationFactory,
    CohortFactory,
    VentureFactory,
)
from tests.training.factories import BlkkFactory, regency

from .test_dashboards import page_figures

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
TODAY = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=JAKARTA)


def day(year: int, month: int, day_of_month: int) -> datetime.date:
    return datetime.date(year, month, day_of_month)


def delivered(value, delivered_on, *, blkk=None, venture=None, **extra):
    return AssistanceFactory(
        blkk=blkk,
        venture=venture,
        value=value,
        delivered=True,
        approved_on=day(2024, 12, 1),
        proposed_on=day(2024, 11, 1),
        delivered_on=delivered_on,
        **extra,
    )


def checked(value, delivered_on, checked_on, **extra):
    return delivered(
        value, delivered_on, last_checked_on=checked_on, condition="good", **extra
    )


@pytest.fixture
def assistance(blkk_a, blkk_b):
    """Deliveries this year and last in Jawa Barat (A, A2) and Jawa Timur (B), and
    assistance on both sides of the six months."""
    a2 = BlkkFactory(regency=regency("32.04"), name="BLKK Al-Hikmah Bandung")
    venture_a = VentureFactory(cohort=CohortFactory(blkk=blkk_a), name="Konveksi Ayu")
    venture_b = VentureFactory(cohort=CohortFactory(blkk=blkk_b), name="Keripik Budi")
    made = {
        # This year: A 10.000.000 + its venture's 2.500.000 (in use); A2 1.000.000
        # on 1 January; B's venture 3.000.000.
        "a": delivered(10_000_000, day(2026, 1, 5), blkk=blkk_a),
        "venture_a": delivered(
            2_500_000,
            day(2026, 5, 10),
            venture=venture_a,
            status=Assistance.Status.IN_USE,
        ),
        "a2": delivered(1_000_000, day(2026, 1, 1), blkk=a2),
        "venture_b": delivered(3_000_000, day(2026, 2, 2), venture=venture_b),
        # Last year's, delivered on 31 December and never checked: not this year's,
        # not due yet.
        "last_year": delivered(50_000_000, day(2025, 12, 31), blkk=blkk_a),
        # Due: never checked since a delivery before 12 November 2025; last
        # checked the day before it; in use, checked in October.
        "never_checked": delivered(4_000_000, day(2025, 3, 1), blkk=blkk_a),
        "checked_day_before": checked(
            6_000_000, day(2025, 1, 1), day(2025, 11, 11), venture=venture_a
        ),
        "in_use_october": checked(
            7_000_000,
            day(2025, 1, 1),
            day(2025, 10, 1),
            blkk=a2,
            status=Assistance.Status.IN_USE,
        ),
        "delivered_day_before": delivered(8_000_000, day(2025, 11, 11), blkk=blkk_a),
        "b_never_checked": delivered(9_000_000, day(2025, 1, 1), blkk=blkk_b),
        # Not due: checked exactly six months ago.
        "checked_on_cutoff": checked(
            5_500_000, day(2025, 1, 1), day(2025, 11, 12), blkk=blkk_a
        ),
    }
    # Never handed over: in no figure and no list.
    AssistanceFactory(blkk=blkk_a, value=90_000_000, approved=True)
    AssistanceFactory(blkk=blkk_a, value=80_000_000, status="cancelled")
    AssistanceFactory(blkk=blkk_b, value=70_000_000)
    made["a2_blkk"] = a2
    return made


def year_rows(response) -> list[tuple[str, int, int]]:
    return [
        (row["code"], row["value"], row["count"])
        for row in response.context["assistance_year"].rows
    ]


def due(response) -> list[int]:
    return [item["pk"] for item in response.context["assistance_due"]]


def test_six_months_before_keeps_the_day_or_the_months_last():
    assert assistance_check_due_since(day(2026, 5, 12)) == day(2025, 11, 12)
    assert assistance_check_due_since(day(2026, 8, 31)) == day(2026, 2, 28)
    assert assistance_check_due_since(day(2028, 8, 31)) == day(2028, 2, 29)
    assert assistance_check_due_since(day(2026, 3, 31)) == day(2025, 9, 30)


@time_machine.travel(TODAY, tick=False)
def test_the_country_shows_the_years_value_by_province_and_every_due_check(
    client, ministry_user, assistance, blkk_a, blkk_b
):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert year_rows(response) == [("32", 13_500_000, 3), ("35", 3_000_000, 1)]
    year = response.context["assistance_year"]
    assert (year.year, year.value, year.count) == (2026, 16_500_000, 4)
    # The longest unseen first.
    assert due(response) == [
        assistance["b_never_checked"].pk,
        assistance["never_checked"].pk,
        assistance["in_use_october"].pk,
        assistance["checked_day_before"].pk,
        assistance["delivered_day_before"].pk,
    ]
    assert response.context["assistance_due_count"] == 5
    content = response.content.decode()
    # Indonesian formats: `Rp 16.500.000`.
    assert "Rp\u00a016.500.000" in content
    assert 'data-assistance-year-value="16500000"' in content
    assert 'data-assistance-due-count="5"' in content
    # Each province down to its dashboard; each assistance to its page under its
    # BLKK (the venture's cohort's, for a venture's).
    assert f'href="{reverse("dashboard-province", args=["35"])}"' in content
    links = {item["pk"]: item["url"] for item in response.context["assistance_due"]}
    checked = assistance["checked_day_before"]
    assert links[checked.pk] == reverse(
        "assistance-detail", args=[blkk_a.code, checked.pk]
    )
    never = assistance["b_never_checked"]
    assert links[never.pk] == reverse("assistance-detail", args=[blkk_b.code, never.pk])
    chart = response.context["assistance_chart"]
    assert chart["format"] == "rupiah"
    assert chart["series"][0]["values"] == [13_500_000, 3_000_000]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_a_province_shows_its_blkks_values_and_only_its_own_due_checks(
    client, request, persona, assistance, blkk_a
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("dashboard-province", args=["32"]))

    a2 = assistance["a2_blkk"]
    assert year_rows(response) == [
        (blkk_a.code, 12_500_000, 2),
        (a2.code, 1_000_000, 1),
    ]
    assert response.context["assistance_year"].value == 13_500_000
    assert due(response) == [
        assistance["never_checked"].pk,
        assistance["in_use_october"].pk,
        assistance["checked_day_before"].pk,
        assistance["delivered_day_before"].pk,
    ]
    content = response.content.decode()
    assert "Keripik Budi" not in content
    assert f'href="{reverse("blkk-home", args=[a2.code])}"' in content


@time_machine.travel(TODAY, tick=False)
def test_province_staff_and_managers_reach_no_other_provinces_assistance(
    client, province_user, manager_a, assistance
):
    client.force_login(province_user)
    assert client.get(reverse("dashboard-province", args=["35"])).status_code == 404
    # Their own dashboard is their province's: nothing of Jawa Timur on it.
    response = client.get(reverse("dashboard"), follow=True)
    assert [row[0] for row in year_rows(response)] != []
    assert assistance["b_never_checked"].pk not in due(response)
    client.force_login(manager_a)
    assert client.get(reverse("dashboard")).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_the_panels_are_todays_whatever_the_month_shown(
    client, ministry_user, assistance
):
    client.force_login(ministry_user)
    april = client.get(reverse("dashboard"), {"month": "2026-04"})
    now = client.get(reverse("dashboard"))
    assert year_rows(april) == year_rows(now)
    assert due(april) == due(now)


@time_machine.travel(TODAY, tick=False)
def test_nothing_delivered_and_nothing_due_says_so(client, ministry_user, blkk_a):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboard"))
    assert year_rows(response) == []
    assert response.context["assistance_year"].value == 0
    assert due(response) == []
    content = response.content.decode()
    assert 'data-assistance-year-value="0"' in content
    assert 'data-assistance-due-count="0"' in content


@time_machine.travel(TODAY, tick=False)
def test_the_dashboards_show_this_months_applications_as_tiles(
    client, ministry_user, blkk_a, blkk_b
):
    cohort_a = CohortFactory(blkk=blkk_a, applications_open_on=day(2026, 1, 1))
    CohortApplicationFactory(cohort=cohort_a, received_on=day(2026, 5, 2))
    CohortApplicationFactory(cohort=cohort_a, received_on=day(2026, 5, 12))
    CohortApplicationFactory(
        cohort=cohort_a,
        received_on=day(2026, 4, 20),
        status="accepted",
        decided_on=day(2026, 5, 4),
        venture=VentureFactory(cohort=cohort_a, started_on=day(2026, 5, 4)),
    )
    CohortApplicationFactory(
        cohort=CohortFactory(blkk=blkk_b, applications_open_on=day(2026, 1, 1)),
        received_on=day(2026, 5, 3),
    )
    delivered(1_250_000, day(2026, 5, 5), blkk=blkk_b)
    client.force_login(ministry_user)

    national = page_figures(client.get(reverse("dashboard")))
    jabar = page_figures(client.get(reverse("dashboard-province", args=["32"])))
    assert (
        national["applications_received"],
        national["applications_accepted"],
        national["assistance_delivered_value"],
    ) == (3, 1, 1_250_000)
    assert (jabar["applications_received"], jabar["applications_accepted"]) == (2, 1)
    assert jabar["assistance_delivered_value"] == 0
    content = client.get(reverse("dashboard")).content.decode()
    assert 'data-kpi="assistance_delivered_value" data-value="1250000"' in content
    assert ">Rp\u00a01.250.000<" in content


# --- links to the assistance pages ----------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_an_assistance_to_check_links_to_its_own_page(
    client, ministry_user, assistance, blkk_a
):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboard"))
    item = next(
        item
        for item in response.context["assistance_due"]
        if item["pk"] == assistance["never_checked"].pk
    )
    assert item["url"] == f"/blkk/{blkk_a.code}/assistance/{item['pk']}/"
    assert client.get(item["url"]).status_code == 200


# --- query counts ---------------------------------------------------------------------


def _busy_blkks(count: int, region: str) -> None:
    for _ in range(count):
        blkk = BlkkFactory(regency=regency(region))
        venture = VentureFactory(cohort=CohortFactory(blkk=blkk))
        delivered(1_000_000, day(2026, 2, 1), blkk=blkk)
        delivered(2_000_000, day(2026, 3, 1), venture=venture)
        delivered(3_000_000, day(2025, 1, 1), venture=venture)
        checked(4_000_000, day(2025, 1, 1), day(2025, 2, 1), blkk=blkk)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_dashboard_query_counts_do_not_grow_with_the_assistance(
    client, request, persona, settings, django_assert_max_num_queries
):
    settings.DASHBOARD_LIVE_SECONDS = 0
    client.force_login(request.getfixturevalue(persona))
    _busy_blkks(2, "32.73")
    urls = [reverse("dashboard-province", args=["32"])]
    if persona == "ministry_user":
        urls.append(reverse("dashboard"))
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(45) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few)

    _busy_blkks(12, "32.04")
    _busy_blkks(6, "35.78")
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            response = client.get(url)
            assert response.status_code == 200
    assert len(response.context["assistance_due"]) == 10
    # Two due at each BLKK: 14 in Jawa Barat, 20 in the country.
    expected = 40 if persona == "ministry_user" else 28
    assert response.context["assistance_due_count"] == expected


# --- a BLKK's page --------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_a_blkks_page_shows_its_assistance_and_its_ventures_due_first(
    client, manager_a, blkk_a, blkk_b, province_user
):
    venture = VentureFactory(cohort=CohortFactory(blkk=blkk_a), name="Konveksi Ayu")
    due = delivered(7_000_000, day(2025, 6, 1), venture=venture)
    recent = checked(5_000_000, day(2026, 1, 5), day(2026, 4, 1), blkk=blkk_a)
    proposed = AssistanceFactory(blkk=blkk_a, year=2026, proposed_on=day(2026, 5, 1))
    AssistanceFactory(blkk=blkk_a, status="cancelled")
    AssistanceFactory(blkk=blkk_b)  # another BLKK's
    for reader in (manager_a, province_user):
        client.force_login(reader)
        response = client.get(reverse("blkk-home", args=[blkk_a.code]))
        assert response.status_code == 200
        shown = [item.pk for item in response.context["assistance"]]
        # The one unseen for more than six months first, then the latest; the
        # cancelled one and B's are not there.
        assert shown == [due.pk, proposed.pk, recent.pk]
        assert response.context["assistance_count"] == 3
        assert response.context["assistance_due_count"] == 1
        html = response.content.decode()
        assert 'data-assistance-count="3" data-assistance-due="1"' in html
        assert reverse("assistance-detail", args=[blkk_a.code, due.pk]) in html
        assert "Konveksi Ayu" in html


@time_machine.travel(TODAY, tick=False)
def test_a_blkks_assistance_costs_the_same_queries_however_many(
    client, manager_a, blkk_a
):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("blkk-home", args=[blkk_a.code]))
        return len(captured)

    client.force_login(manager_a)
    venture = VentureFactory(cohort=CohortFactory(blkk=blkk_a))
    delivered(1_000_000, day(2025, 1, 1), venture=venture)
    few = page_queries()
    for number in range(8):
        delivered(
            1_000_000 + number,
            day(2025, 1, 1),
            venture=VentureFactory(cohort=CohortFactory(blkk=blkk_a)),
        )
        AssistanceFactory(blkk=blkk_a)
    assert page_queries() == few
