"""A cohort's application window (`applications_open_on`, `applications_close_on`,
DESIGN.md "Programme records the seeds name") through every door: the API, the
portal's cohort pages, the admin. One rule (the model's constraint: no close
before the open, no close without an open), the same message at every door.

"Today" is 12 May 2026 in Jakarta.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import cast

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from incubator import services
from incubator.models import Cohort
from tests.admin_forms import EN, admin_url, form_data, form_errors
from tests.incubator.conftest import page
from tests.incubator.factories import CohortFactory

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=JAKARTA)
TODAY = NOW.date()
COHORT = {"name": "Kohort Kuliner 2026", "year": 2026, "start_date": "2026-07-01"}
# Closes before it opens; closes with no opening date.
BAD_WINDOWS = [
    {"applications_open_on": "2026-06-10", "applications_close_on": "2026-06-09"},
    {"applications_close_on": "2026-06-30"},
]


def cohort_of(**fields) -> Cohort:
    return cast(Cohort, CohortFactory(**fields))


def refused_with(window: dict, blkk) -> list[str]:
    """What the service answers `window` with, in Indonesian (nothing stored)."""
    open_on, close_on = (
        window.get(name) for name in ("applications_open_on", "applications_close_on")
    )
    with (
        translation.override("id"),
        pytest.raises(ValidationError) as refused,
        transaction.atomic(),
    ):
        services.cohort_create(
            blkk=blkk,
            name="Kohort Kuliner 2026",
            year=2026,
            start_date=datetime.date(2026, 7, 1),
            applications_open_on=open_on and datetime.date.fromisoformat(open_on),
            applications_close_on=close_on and datetime.date.fromisoformat(close_on),
            by=None,
        )
    return refused.value.messages


# --- the API --------------------------------------------------------------------------


def test_the_api_gives_and_takes_the_window(api, manager_a, blkk_a):
    client = api(manager_a)
    response = client.post(
        "/api/v1/cohorts/",
        {
            **COHORT,
            "applications_open_on": "2026-05-01",
            "applications_close_on": "2026-06-30",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["applications_open_on"], body["applications_close_on"]) == (
        "2026-05-01",
        "2026-06-30",
    )
    cohort = Cohort.objects.get(pk=body["id"])
    assert cohort.blkk == blkk_a
    assert cohort.applications_close_on == datetime.date(2026, 6, 30)

    # Until the cohort closes; then no window at all.
    changed = client.patch(
        f"/api/v1/cohorts/{cohort.pk}/",
        {"applications_close_on": None},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["applications_close_on"] is None
    cleared = client.patch(
        f"/api/v1/cohorts/{cohort.pk}/",
        {"applications_open_on": None},
        format="json",
    )
    assert cleared.status_code == 200, cleared.content
    listed = client.get("/api/v1/cohorts/").json()["results"]
    assert [
        (row["applications_open_on"], row["applications_close_on"]) for row in listed
    ] == [(None, None)]


@pytest.mark.parametrize("window", BAD_WINDOWS, ids=["closes before", "no opening"])
def test_the_api_refuses_a_bad_window_with_the_constraints_message(
    api, manager_a, blkk_a, window
):
    expected = refused_with(window, blkk_a)
    response = api(manager_a).post(
        "/api/v1/cohorts/", {**COHORT, **window}, format="json"
    )
    assert response.status_code == 400
    messages = [text for texts in response.json().values() for text in texts]
    assert messages == expected
    assert not Cohort.objects.exists()


def test_the_api_answers_in_english_when_asked(api, manager_a, blkk_a):
    response = api(manager_a).post(
        "/api/v1/cohorts/", {**COHORT, **BAD_WINDOWS[0]}, format="json", **EN
    )
    assert response.status_code == 400
    assert "Applications cannot close before they open" in str(response.json())


def test_another_blkks_cohort_window_is_not_reachable(api, manager_b, blkk_a):
    cohort = cohort_of(blkk=blkk_a)
    response = api(manager_b).patch(
        f"/api/v1/cohorts/{cohort.pk}/",
        {"applications_open_on": "2026-05-01"},
        format="json",
    )
    assert response.status_code == 404
    cohort.refresh_from_db()
    assert cohort.applications_open_on is None


# --- the portal's pages ---------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_manager_opens_a_cohort_for_applications_on_its_page(
    client, manager_a, blkk_a
):
    client.force_login(manager_a)
    form = client.get(page("cohort-create", blkk_a)).content.decode()
    assert 'name="applications_open_on"' in form
    assert 'name="applications_close_on"' in form

    response = client.post(
        page("cohort-create", blkk_a),
        {
            **COHORT,
            "status": "planned",
            "applications_open_on": "2026-05-12",
            "applications_close_on": "2026-06-30",
        },
    )
    cohort = Cohort.objects.get(name=COHORT["name"])
    assert response.status_code == 303
    assert (cohort.applications_open_on, cohort.applications_close_on) == (
        TODAY,
        datetime.date(2026, 6, 30),
    )
    detail = client.get(response["Location"])
    assert detail.context["taking_applications"] is True
    assert 'data-taking-applications="yes"' in detail.content.decode()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("window", BAD_WINDOWS, ids=["closes before", "no opening"])
def test_the_page_refuses_a_bad_window_with_the_services_message(
    client, manager_a, blkk_a, window
):
    expected = refused_with(window, blkk_a)
    client.force_login(manager_a)
    response = client.post(
        page("cohort-create", blkk_a), {**COHORT, "status": "planned", **window}
    )
    assert response.status_code == 200
    assert expected
    for message in expected:
        assert message in response.content.decode()
    assert not Cohort.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_manager_closes_the_window_on_the_edit_page(client, manager_a, blkk_a):
    cohort = cohort_of(
        blkk=blkk_a, applications_open_on=datetime.date(2026, 5, 1), year=2026
    )
    client.force_login(manager_a)
    path = page("cohort-update", blkk_a, cohort.pk)
    form = client.get(path).context["form"]
    assert form["applications_open_on"].value() == datetime.date(2026, 5, 1)
    response = client.post(
        path,
        {
            "name": cohort.name,
            "year": "2026",
            "start_date": "2025-04-01",
            "status": "running",
            "applications_open_on": "2026-05-01",
            "applications_close_on": "2026-05-11",
        },
    )
    assert response.status_code == 303
    cohort.refresh_from_db()
    assert cohort.applications_close_on == datetime.date(2026, 5, 11)
    assert client.get(response["Location"]).context["taking_applications"] is False


@time_machine.travel(NOW, tick=False)
def test_the_cohort_list_marks_those_taking_applications_today(
    client, manager_a, blkk_a, django_assert_max_num_queries
):
    taking = [
        CohortFactory(blkk=blkk_a, name="Buka", applications_open_on=TODAY),
        CohortFactory(
            blkk=blkk_a,
            name="Tutup Hari Ini",
            applications_open_on=datetime.date(2026, 4, 1),
            applications_close_on=TODAY,
        ),
    ]
    not_taking = [
        CohortFactory(blkk=blkk_a, name="Tanpa Pendaftaran"),
        CohortFactory(
            blkk=blkk_a,
            name="Besok",
            applications_open_on=datetime.date(2026, 5, 13),
        ),
        CohortFactory(
            blkk=blkk_a,
            name="Ditutup",
            applications_open_on=datetime.date(2026, 4, 1),
            status=Cohort.Status.CLOSED,
        ),
    ]
    client.force_login(manager_a)
    with django_assert_max_num_queries(12):
        response = client.get(page("cohort-list", blkk_a))
    marked = {
        cohort.name: cohort.taking_applications
        for cohort in response.context["page"].object_list
    }
    assert marked == {
        **{cohort.name: True for cohort in taking},
        **{cohort.name: False for cohort in not_taking},
    }
    assert response.content.decode().count("data-taking-applications") == 2


# --- the admin ------------------------------------------------------------------------


def test_the_admin_shows_and_takes_the_window(client, ministry_user, blkk_a, english):
    ministry_user.is_staff = True
    ministry_user.save(update_fields=["is_staff"])
    client.force_login(ministry_user)
    cohort = cohort_of(blkk=blkk_a, applications_open_on=datetime.date(2026, 5, 1))
    listing = client.get(admin_url(Cohort, "changelist"))
    assert listing.status_code == 200
    assert "column-applications_open_on" in listing.content.decode()

    url = admin_url(Cohort, "change", cohort.pk)
    shown = client.get(url)
    refused = client.post(
        url,
        form_data(
            shown,
            applications_open_on="2026-05-10",
            applications_close_on="2026-05-09",
        ),
    )
    assert refused.status_code == 200
    assert any(
        "Applications cannot close before they open" in message
        for messages in form_errors(refused).values()
        for message in messages
    )
    saved = client.post(
        url,
        form_data(
            shown,
            applications_open_on="2026-05-10",
            applications_close_on="2026-06-09",
        ),
    )
    assert saved.status_code == 302
    cohort.refresh_from_db()
    assert cohort.applications_close_on == datetime.date(2026, 6, 9)
