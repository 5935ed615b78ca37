"""A mentor's monthly figures page (`/mentor/metrics/`): the ventures they mentor now,
a month's stored figures changed or new ones stored through the incubator's
services, rupiah as people type them, and another mentor's venture answering 404."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from blkk_portal.forms import RUPIAH_MESSAGE
from blkk_portal.months import Month
from incubator import services as incubator_services
from incubator.models import VentureMetric
from mentoring.models import MentorAssignment

from .factories import MentorAssignmentFactory

pytestmark = pytest.mark.django_db

URL = "/mentor/metrics/"


def venture_of(user, **fields):
    """A venture `user` mentors now (an active assignment to a new venture)."""
    return MentorAssignmentFactory(mentor=user.mentor_profile, **fields).venture


def figures(venture, period: Month | str, **fields) -> dict:
    return {
        "venture": venture.pk,
        "period": str(period),
        "revenue": "1.250.000",
        "workers": "3",
        "customers": "45",
        **fields,
    }


def test_the_path_is_the_contracts():
    assert reverse("mentor-metrics") == URL


def test_the_only_venture_and_the_last_completed_month_are_chosen(client, mentor_a):
    venture = venture_of(mentor_a)
    client.force_login(mentor_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["venture"] == venture
    assert response.context["month"] == Month.last_completed()
    form = response.context["form"]
    assert form["venture"].value() == venture.pk
    assert str(form["period"].value()) == str(Month.last_completed())
    assert form["revenue"].value() is None


def test_with_several_ventures_one_is_chosen_from_the_query(client, mentor_a):
    venture_of(mentor_a)
    chosen = venture_of(mentor_a)
    client.force_login(mentor_a)
    unchosen = client.get(URL)
    assert unchosen.context["venture"] is None
    assert unchosen.context["form"] is None
    response = client.get(URL, {"venture": chosen.pk, "period": "2026-02"})
    assert response.context["venture"] == chosen
    assert response.context["month"] == Month(2026, 2)


def test_new_figures_are_stored_with_rupiah_typed_with_dots(client, mentor_a):
    venture = venture_of(mentor_a)
    client.force_login(mentor_a)
    response = client.post(URL, figures(venture, "2026-02"))
    assert response.status_code == 303
    assert response["Location"] == f"{URL}?venture={venture.pk}&period=2026-02"
    metric = VentureMetric.objects.get()
    assert (metric.venture, metric.period) == (venture, datetime.date(2026, 2, 1))
    assert (metric.revenue, metric.workers, metric.customers) == (1_250_000, 3, 45)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Rp 1.250.000", 1_250_000), ("1250000", 1_250_000), ("0", 0)],
)
def test_rupiah_are_read_as_people_type_them(client, mentor_a, typed, stored):
    venture = venture_of(mentor_a)
    client.force_login(mentor_a)
    client.post(URL, figures(venture, "2026-02", revenue=typed))
    assert VentureMetric.objects.get().revenue == stored


def test_a_reported_month_shows_its_figures_and_saving_changes_them(client, mentor_a):
    venture = venture_of(mentor_a)
    metric = incubator_services.metric_create(
        venture=venture,
        period=datetime.date(2026, 2, 1),
        revenue=2_500_000,
        workers=2,
        customers=40,
        by=None,
    )
    client.force_login(mentor_a)
    shown = client.get(URL, {"venture": venture.pk, "period": "2026-02"})
    assert shown.context["stored"] == metric
    form = shown.context["form"]
    assert (form["revenue"].value(), form["workers"].value()) == (2_500_000, 2)
    assert 'value="2500000"' in shown.content.decode()
    assert "Rp\u00a02.500.000" in shown.content.decode()
    response = client.post(URL, figures(venture, "2026-02", revenue="3.000.000"))
    assert response.status_code == 303
    metric.refresh_from_db()
    assert VentureMetric.objects.count() == 1
    assert (metric.revenue, metric.workers, metric.customers) == (3_000_000, 3, 45)


def test_badly_typed_rupiah_are_refused_and_nothing_is_stored(client, mentor_a):
    venture = venture_of(mentor_a)
    client.force_login(mentor_a)
    response = client.post(URL, figures(venture, "2026-02", revenue="1,250,000"))
    assert response.status_code == 200
    with translation.override("id"):
        assert response.context["form"].errors["revenue"] == [str(RUPIAH_MESSAGE)]
    assert not VentureMetric.objects.exists()


def test_a_month_not_begun_shows_the_services_message_and_stores_nothing(
    client, mentor_a
):
    venture = venture_of(mentor_a)
    next_month = Month.last_completed().shifted(2)
    client.force_login(mentor_a)
    response = client.post(URL, figures(venture, next_month))
    assert response.status_code == 200
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        incubator_services.metric_create(
            venture=venture, period=next_month.first_day, by=mentor_a
        )
    expected = caught.value.message_dict["period"]
    assert response.context["form"].errors["period"] == expected
    assert expected[0] in response.content.decode()
    assert not VentureMetric.objects.exists()


def test_negative_workers_show_the_services_message(client, mentor_a):
    venture = venture_of(mentor_a)
    client.force_login(mentor_a)
    response = client.post(URL, figures(venture, "2026-02", workers="-1"))
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        incubator_services.metric_create(
            venture=venture, period=datetime.date(2026, 2, 1), workers=-1, by=None
        )
    assert (
        response.context["form"].errors["workers"]
        == (caught.value.message_dict["workers"])
    )
    assert not VentureMetric.objects.exists()


def test_a_badly_written_month_in_the_query_is_shown_as_an_error(client, mentor_a):
    venture = venture_of(mentor_a)
    client.force_login(mentor_a)
    response = client.get(URL, {"venture": venture.pk, "period": "2026-13"})
    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["chooser"].errors["period"]


def test_the_page_shows_which_ventures_have_not_reported_last_month(client, mentor_a):
    reported = venture_of(mentor_a, venture__name="A Reported")
    silent = venture_of(mentor_a, venture__name="B Silent")
    last = Month.last_completed()
    reported.metrics.create(period=last.first_day)
    silent.metrics.create(period=last.shifted(-1).first_day)
    client.force_login(mentor_a)
    response = client.get(URL)
    listed = {
        venture.name: venture.reported for venture in response.context["ventures"]
    }
    assert listed == {"A Reported": True, "B Silent": False}
    # Those that have not reported come first.
    page = response.content.decode()
    listing = page[page.index('class="rows ventures-reported"') :]
    assert listing.index("B Silent") < listing.index("A Reported")
    assert "badge warn" in listing


@pytest.mark.parametrize("where", ["query", "form"])
def test_another_mentors_venture_is_404(client, mentor_a, mentor_b, where):
    venture_of(mentor_a)
    other = venture_of(mentor_b)
    client.force_login(mentor_a)
    if where == "query":
        response = client.get(URL, {"venture": other.pk})
    else:
        response = client.post(URL, figures(other, "2026-02"))
    assert response.status_code == 404
    assert not VentureMetric.objects.exists()


def test_a_venture_whose_assignment_ended_is_404(client, mentor_a):
    ended = venture_of(mentor_a, status=MentorAssignment.Status.ENDED)
    client.force_login(mentor_a)
    assert client.get(URL).context["ventures"] == []
    assert client.post(URL, figures(ended, "2026-02")).status_code == 404
    assert not VentureMetric.objects.exists()


def test_a_blkk_wide_assignment_reports_no_venture_figures(client, mentor_a):
    MentorAssignmentFactory(mentor=mentor_a.mentor_profile, whole_blkk=True)
    client.force_login(mentor_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["ventures"] == []


def test_a_manager_who_also_mentors_sees_only_the_ventures_they_mentor(
    client, manager_a, blkk_a
):
    from mentoring.services import mentor_create
    from tests.incubator.factories import CohortFactory, VentureFactory

    VentureFactory(cohort=CohortFactory(blkk=blkk_a))
    mentor_create(user=manager_a, full_name="Alice", affiliation="blk", by=None)
    mentored = venture_of(manager_a)
    client.force_login(manager_a)
    response = client.get(URL)
    assert response.context["ventures"] == [mentored]


@pytest.mark.parametrize("count", [3, 12])
def test_the_page_queries_do_not_grow_with_ventures(
    client, mentor_a, django_assert_max_num_queries, count
):
    for index in range(count):
        venture = venture_of(mentor_a)
        if index % 2:
            venture.metrics.create(period=Month.last_completed().first_day)
    chosen = venture_of(mentor_a)
    client.force_login(mentor_a)
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"venture": chosen.pk})
    assert len(response.context["ventures"]) == count + 1
