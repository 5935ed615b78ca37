"""The monthly figures of all a BLKK's ventures in one form per month, and
`ventures_not_reported`. Who opens the page: test_pages.py."""

from __future__ import annotations

import datetime
from unittest import mock
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from blkk_portal.forms import MONTH_MESSAGE
from blkk_portal.months import Month
from incubator import services
from incubator.models import Stage, Venture, VentureMetric
from incubator.selectors import ventures_not_reported
from tests.incubator.conftest import page
from tests.incubator.factories import (
    StageChangeFactory,
    VentureFactory,
    VentureMetricFactory,
)
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 10:00 in Jakarta: November is the last completed month.
TODAY = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.UTC)
NOVEMBER = datetime.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def _indonesian(message: str) -> str:
    with translation.override("id"):
        return translation.gettext(message)


@pytest.fixture
def ventures(venture_a, cohort_a):
    """Three ventures of BLKK A active all of November, by name."""
    return [
        venture_a,
        VentureFactory(
            cohort=cohort_a, name="Kopi Lereng", started_on=venture_a.started_on
        ),
        VentureFactory(
            cohort=cohort_a, name="Sabun Herbal", started_on=venture_a.started_on
        ),
    ]


def _row(venture, revenue="", workers="", customers="") -> dict:
    prefix = f"metrics-{venture.pk}"
    return {
        f"{prefix}-revenue": revenue,
        f"{prefix}-workers": workers,
        f"{prefix}-customers": customers,
    }


def _post(client, blkk, *rows, period="2026-11", rows_shown=None):
    data = {
        "metrics-TOTAL_FORMS": str(rows_shown if rows_shown is not None else len(rows)),
        "metrics-INITIAL_FORMS": "0",
        "metrics-MIN_NUM_FORMS": "0",
        "metrics-MAX_NUM_FORMS": "1000",
    }
    for row in rows:
        data.update(row)
    return client.post(f"{page('metrics-month', blkk)}?period={period}", data)


# --- the month shown ------------------------------------------------------------------


def test_the_page_shows_the_last_completed_month_with_who_has_not_reported(
    client, manager_a, ventures, cohort_a
):
    graduated = VentureFactory(cohort=cohort_a, name="Lulus Oktober")
    StageChangeFactory(
        venture=graduated,
        from_stage=Stage.PRE_INCUBATION,
        to_stage=Stage.GRADUATED,
        changed_on=datetime.date(2026, 10, 15),
    )
    VentureFactory(
        cohort=cohort_a, name="Baru Desember", started_on=datetime.date(2026, 12, 2)
    )
    VentureMetricFactory(venture=ventures[0], period=NOVEMBER, revenue=1_250_000)
    client.force_login(manager_a)
    response = client.get(page("metrics-month", cohort_a.blkk))
    assert response.status_code == 200
    assert response.context["month"] == Month(2026, 11)
    assert [row["venture"] for row in response.context["rows"]] == ventures
    assert response.context["missing"] == ventures[1:]
    content = response.content.decode()
    assert "November 2026" in content
    assert content.count(_indonesian("Not reported")) == 2
    # The stored figures fill their row; the others are empty, named by venture.
    rows = response.context["rows"]
    assert rows[0]["form"]["revenue"].value() == 1_250_000
    assert rows[1]["form"]["revenue"].value() is None
    assert f'name="metrics-{ventures[1].pk}-revenue"' in content


def test_a_graduated_venture_that_reported_the_month_keeps_its_row(
    client, manager_a, venture_a
):
    StageChangeFactory(
        venture=venture_a,
        from_stage=Stage.PRE_INCUBATION,
        to_stage=Stage.GRADUATED,
        changed_on=datetime.date(2026, 11, 20),
    )
    VentureMetricFactory(venture=venture_a, period=NOVEMBER)
    client.force_login(manager_a)
    response = client.get(page("metrics-month", venture_a.cohort.blkk))
    assert [row["venture"] for row in response.context["rows"]] == [venture_a]
    assert response.context["missing"] == []


def test_this_month_so_far_may_be_reported(client, manager_a, ventures):
    client.force_login(manager_a)
    response = client.get(
        page("metrics-month", ventures[0].cohort.blkk), {"period": "2026-12"}
    )
    assert response.context["month"] == Month(2026, 12)
    assert len(response.context["rows"]) == 3
    assert response.context["next"] is None


def test_a_month_not_yet_begun_is_refused_in_the_services_words(
    client, manager_a, ventures
):
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        services.metric_create(
            venture=ventures[0], period=datetime.date(2027, 1, 1), by=manager_a
        )
    (expected,) = refused.value.message_dict["period"]
    client.force_login(manager_a)
    blkk = ventures[0].cohort.blkk
    response = client.get(page("metrics-month", blkk), {"period": "2027-01"})
    assert response.status_code == 200
    assert response.context["month"] is None
    assert response.context["month_form"].errors["period"] == [expected]
    assert expected in response.content.decode()
    assert "rows" not in response.context

    posted = _post(client, blkk, _row(ventures[0], "1000", "1", "1"), period="2027-01")
    assert posted.status_code == 200
    assert not VentureMetric.objects.exists()


@pytest.mark.parametrize("period", ["2026-13", "November", "2026-11\n", "\u0662026-11"])
def test_a_period_that_is_not_a_month_is_refused(client, manager_a, ventures, period):
    client.force_login(manager_a)
    response = client.get(
        page("metrics-month", ventures[0].cohort.blkk), {"period": period}
    )
    assert response.status_code == 200
    assert response.context["month_form"].errors["period"] == [
        _indonesian(str(MONTH_MESSAGE))
    ]


def test_the_first_month_the_portal_knows_has_no_month_before(
    client, manager_a, ventures
):
    client.force_login(manager_a)
    response = client.get(
        page("metrics-month", ventures[0].cohort.blkk), {"period": "1900-01"}
    )
    assert response.status_code == 200
    assert response.context["previous"] is None
    assert response.context["rows"] == []


def test_read_only_staff_see_the_stored_figures_without_a_form(
    client, ministry_user, ventures
):
    VentureMetricFactory(
        venture=ventures[0], period=NOVEMBER, revenue=1_250_000, workers=3
    )
    client.force_login(ministry_user)
    blkk = ventures[0].cohort.blkk
    response = client.get(page("metrics-month", blkk))
    content = response.content.decode()
    assert response.context["formset"] is None
    assert "Rp\u00a01.250.000" in content
    assert "<input" not in content.split('class="filters"')[1].split("</form>", 1)[1]
    assert _post(client, blkk, _row(ventures[1], "1", "1", "1")).status_code == 403
    assert VentureMetric.objects.count() == 1


# --- storing the month ----------------------------------------------------------------


def test_one_submit_stores_every_filled_row_and_skips_the_empty_ones(
    client, manager_a, ventures
):
    client.force_login(manager_a)
    blkk = ventures[0].cohort.blkk
    response = _post(
        client,
        blkk,
        _row(ventures[0], "1.250.000", "3", "40"),
        _row(ventures[1], "Rp 800.000", "1", "12"),
        _row(ventures[2]),
    )
    assert response.status_code == 303
    assert response["Location"] == f"{page('metrics-month', blkk)}?period=2026-11"
    stored = {
        m.venture_id: (m.period, m.revenue, m.workers, m.customers)
        for m in VentureMetric.objects.all()
    }
    assert stored == {
        ventures[0].pk: (NOVEMBER, 1_250_000, 3, 40),
        ventures[1].pk: (NOVEMBER, 800_000, 1, 12),
    }
    # The empty row is still "not reported", not zeros.
    after = client.get(response["Location"])
    assert after.context["missing"] == [ventures[2]]


def test_a_stored_row_is_updated_in_place(client, manager_a, ventures):
    metric = VentureMetricFactory(
        venture=ventures[0], period=NOVEMBER, revenue=2_500_000, workers=2, customers=40
    )
    client.force_login(manager_a)
    response = _post(
        client, ventures[0].cohort.blkk, _row(ventures[0], "3.000.000", "2", "41")
    )
    assert response.status_code == 303
    (stored,) = VentureMetric.objects.all()
    assert stored.pk == metric.pk
    assert (stored.revenue, stored.workers, stored.customers) == (3_000_000, 2, 41)


def test_a_bad_row_stores_no_row(client, manager_a, ventures):
    client.force_login(manager_a)
    response = _post(
        client,
        ventures[0].cohort.blkk,
        _row(ventures[0], "1.250.000", "3", "40"),
        _row(ventures[1], "1,250", "-1", "12"),
    )
    assert response.status_code == 200
    errors = response.context["rows"][1]["form"].errors
    assert set(errors) == {"revenue", "workers"}
    assert not VentureMetric.objects.exists()
    # The good row is shown back as typed.
    assert response.context["rows"][0]["form"]["revenue"].value() == "1.250.000"


def test_a_row_the_service_refuses_rolls_back_the_rows_stored_before_it(
    client, manager_a, ventures
):
    real = services.metric_create
    refusal = ValidationError({"revenue": "Omzet tidak masuk akal."})

    def refuse_the_second(*, venture, **fields):
        if venture == ventures[1]:
            raise refusal
        return real(venture=venture, **fields)

    client.force_login(manager_a)
    with mock.patch.object(services, "metric_create", side_effect=refuse_the_second):
        response = _post(
            client,
            ventures[0].cohort.blkk,
            _row(ventures[0], "1.250.000", "3", "40"),
            _row(ventures[1], "900.000", "2", "10"),
        )
    assert response.status_code == 200
    assert response.context["rows"][1]["form"].errors["revenue"] == [
        "Omzet tidak masuk akal."
    ]
    assert not VentureMetric.objects.exists()


def test_a_refused_month_shows_the_stored_figures_unchanged(
    client, manager_a, ventures
):
    metric = VentureMetricFactory(venture=ventures[0], period=NOVEMBER, revenue=100)
    refusal = ValidationError({"revenue": "Omzet tidak masuk akal."})
    client.force_login(manager_a)
    with mock.patch.object(services, "metric_create", side_effect=refusal):
        response = _post(
            client,
            ventures[0].cohort.blkk,
            _row(ventures[0], "200", "1", "1"),
            _row(ventures[1], "300", "1", "1"),
        )
    assert response.status_code == 200
    assert response.context["rows"][0]["metric"].revenue == 100
    assert response.context["rows"][0]["form"]["revenue"].value() == "200"
    metric.refresh_from_db()
    assert metric.revenue == 100


def test_a_partly_filled_row_needs_all_three_figures(client, manager_a, ventures):
    client.force_login(manager_a)
    response = _post(client, ventures[0].cohort.blkk, _row(ventures[0], "1.250.000"))
    assert response.status_code == 200
    errors = response.context["rows"][0]["form"].errors
    assert set(errors) == {"workers", "customers"}
    assert not VentureMetric.objects.exists()


def test_stored_figures_cannot_be_emptied(client, manager_a, ventures):
    VentureMetricFactory(venture=ventures[0], period=NOVEMBER, revenue=100)
    client.force_login(manager_a)
    response = _post(client, ventures[0].cohort.blkk, _row(ventures[0]))
    assert response.status_code == 200
    assert response.context["rows"][0]["form"].non_field_errors()
    assert VentureMetric.objects.get().revenue == 100


def test_figures_posted_for_another_blkks_venture_are_not_stored(
    client, manager_a, ventures, venture_b
):
    client.force_login(manager_a)
    response = _post(
        client,
        ventures[0].cohort.blkk,
        _row(venture_b, "1.000.000", "1", "1"),
        _row(ventures[0], "500.000", "1", "1"),
    )
    assert response.status_code == 303
    assert list(VentureMetric.objects.values_list("venture_id", flat=True)) == [
        ventures[0].pk
    ]


def test_rows_are_matched_by_venture_not_by_their_place_in_the_list(
    client, manager_a, ventures, cohort_a
):
    # A venture added after the form was shown sorts first; the posted rows still
    # land on the ventures they were typed for, and the new one stays unreported.
    newcomer = VentureFactory(
        cohort=cohort_a, name="Aneka Kue", started_on=ventures[0].started_on
    )
    client.force_login(manager_a)
    response = _post(
        client,
        cohort_a.blkk,
        _row(ventures[0], "100", "1", "1"),
        _row(ventures[1], "200", "2", "2"),
    )
    assert response.status_code == 303
    stored = dict(VentureMetric.objects.values_list("venture_id", "revenue"))
    assert stored == {ventures[0].pk: 100, ventures[1].pk: 200}
    assert newcomer.pk not in stored


def test_a_month_posted_after_the_session_expired_comes_back_unsaved(
    client, manager_a, ventures, clock
):
    blkk = ventures[0].cohort.blkk
    url = f"{page('metrics-month', blkk)}?period=2026-11"
    signed_in = client.post(
        f"{reverse('login')}?{urlencode({'next': url})}",
        {"username": "manager_a", "password": PASSWORD, "next": url},
    )
    assert signed_in.status_code == 302
    clock.shift(datetime.timedelta(minutes=31))

    expired = _post(client, blkk, _row(ventures[0], "1.250.000", "3", "40"))
    assert expired.status_code == 302
    client.post(reverse("login"), {"username": "manager_a", "password": PASSWORD})
    resumed = client.get(url)

    form = resumed.context["rows"][0]["form"]
    assert form.is_bound
    assert form["revenue"].value() == "1.250.000"
    assert not VentureMetric.objects.exists()


# --- query counts ---------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_month_form_reads_a_fixed_number_of_queries(
    client, manager_a, cohort_a, count, django_assert_max_num_queries
):
    for n in range(count):
        venture = VentureFactory(cohort=cohort_a, started_on=datetime.date(2026, 1, 12))
        if n % 2:
            VentureMetricFactory(venture=venture, period=NOVEMBER)
    client.force_login(manager_a)
    with django_assert_max_num_queries(11):
        response = client.get(page("metrics-month", cohort_a.blkk))
    assert len(response.context["rows"]) == count


# --- ventures_not_reported ------------------------------------------------------------


def test_ventures_not_reported_are_the_blkks_active_ventures_without_figures(
    ventures, cohort_a, venture_b, django_assert_num_queries
):
    VentureMetricFactory(venture=ventures[1], period=NOVEMBER)
    VentureMetricFactory(venture=ventures[2], period=datetime.date(2026, 10, 1))
    dropped = VentureFactory(cohort=cohort_a, name="Berhenti")
    StageChangeFactory(
        venture=dropped,
        from_stage=Stage.PRE_INCUBATION,
        to_stage=Stage.DROPPED,
        changed_on=datetime.date(2026, 9, 1),
    )
    VentureFactory(
        cohort=cohort_a, name="Mulai Desember", started_on=datetime.date(2026, 12, 1)
    )
    with django_assert_num_queries(1):
        missing = list(ventures_not_reported(cohort_a.blkk, Month(2026, 11)))
    assert missing == [ventures[0], ventures[2]]
    # October: the one that reported October is no longer missing.
    assert list(ventures_not_reported(cohort_a.blkk, Month(2026, 10))) == [
        ventures[0],
        ventures[1],
    ]
    assert list(ventures_not_reported(venture_b.cohort.blkk, Month(2026, 11))) == [
        venture_b
    ]


def test_ventures_not_reported_keeps_to_the_rows_given(ventures, manager_b):
    blkk = ventures[0].cohort.blkk
    seen_by_bob = Venture.objects.visible_to(manager_b)
    assert list(ventures_not_reported(blkk, Month(2026, 11), seen_by_bob)) == []
    assert len(ventures_not_reported(blkk, Month(2026, 11))) == 3
