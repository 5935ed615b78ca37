"""A BLKK's incubation pages: who opens which page, and the cohort pages.

Managers of the BLKK read and write; ministry and province staff read the same
pages (write pages answer 403); another BLKK's manager and mentors get 404, as does
a record of another BLKK through this BLKK's path. The venture, stage and milestone
pages are in test_venture_pages.py, the month's metrics in test_metrics_page.py.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from incubator import services
from incubator.models import Cohort
from tests.incubator.conftest import page
from tests.incubator.factories import (
    CohortFactory,
    MilestoneFactory,
    VentureFactory,
    VentureMetricFactory,
)
from tests.test_content_policy import inline_scripts
from tests.training.factories import BlkkFactory, TraineeFactory

pytestmark = pytest.mark.django_db


def refusal(call) -> list[str]:
    """The messages a service refuses with (as the page must show them), in
    Indonesian; nothing is stored (the test's transaction is rolled back to a
    savepoint)."""
    from django.db import transaction

    with (
        translation.override("id"),
        pytest.raises(ValidationError) as refused,
        transaction.atomic(),
    ):
        call()
    return [str(message) for message in refused.value.messages]


@pytest.fixture
def records(cohort_a, venture_a, cohort_b, venture_b):
    return SimpleNamespace(
        cohort_a=cohort_a,
        venture_a=venture_a,
        milestone_a=MilestoneFactory(venture=venture_a),
        cohort_b=cohort_b,
        venture_b=venture_b,
        milestone_b=MilestoneFactory(venture=venture_b),
    )


def _ids(entries):
    return [name for name, _a, _b in entries]


# (url name, the ids after the BLKK code: of BLKK A's records, of BLKK B's)
READ_PAGES = [
    ("cohort-list", lambda r: [], None),
    ("cohort-detail", lambda r: [r.cohort_a.pk], lambda r: [r.cohort_b.pk]),
    ("venture-list", lambda r: [], None),
    ("venture-detail", lambda r: [r.venture_a.pk], lambda r: [r.venture_b.pk]),
    ("metrics-month", lambda r: [], None),
]
WRITE_PAGES = [
    ("cohort-create", lambda r: [], None),
    ("cohort-update", lambda r: [r.cohort_a.pk], lambda r: [r.cohort_b.pk]),
    ("venture-create", lambda r: [], None),
    ("venture-update", lambda r: [r.venture_a.pk], lambda r: [r.venture_b.pk]),
    ("venture-stage", lambda r: [r.venture_a.pk], lambda r: [r.venture_b.pk]),
    ("milestone-create", lambda r: [r.venture_a.pk], lambda r: [r.venture_b.pk]),
    ("milestone-update", lambda r: [r.milestone_a.pk], lambda r: [r.milestone_b.pk]),
]
ALL_PAGES = READ_PAGES + WRITE_PAGES
POSTED_TO = {*_ids(WRITE_PAGES), "metrics-month"}
WITH_RECORDS = [entry for entry in ALL_PAGES if entry[2] is not None]


@pytest.mark.parametrize(("name", "ids", "_other"), ALL_PAGES, ids=_ids(ALL_PAGES))
def test_the_blkks_manager_opens_every_page(
    client, manager_a, records, name, ids, _other
):
    client.force_login(manager_a)
    response = client.get(page(name, records.cohort_a.blkk, *ids(records)))
    assert response.status_code == 200
    assert inline_scripts(response) == []
    assert 'style="' not in response.content.decode()


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
@pytest.mark.parametrize(("name", "ids", "_other"), READ_PAGES, ids=_ids(READ_PAGES))
def test_ministry_and_province_staff_read_the_pages(
    client, request, records, persona, name, ids, _other
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(page(name, records.cohort_a.blkk, *ids(records)))
    assert response.status_code == 200
    assert response.context["here"].writable is False


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
@pytest.mark.parametrize(("name", "ids", "_other"), WRITE_PAGES, ids=_ids(WRITE_PAGES))
def test_ministry_and_province_staff_are_refused_the_write_pages(
    client, request, records, persona, name, ids, _other
):
    client.force_login(request.getfixturevalue(persona))
    path = page(name, records.cohort_a.blkk, *ids(records))
    assert client.get(path).status_code == 403
    assert client.post(path, {"name": "Kohort Baru", "title": "x"}).status_code == 403


@pytest.mark.parametrize("persona", ["manager_b", "mentor_a"])
@pytest.mark.parametrize(("name", "ids", "_other"), ALL_PAGES, ids=_ids(ALL_PAGES))
def test_another_blkks_manager_and_mentors_get_404(
    client, request, records, persona, name, ids, _other
):
    client.force_login(request.getfixturevalue(persona))
    path = page(name, records.cohort_a.blkk, *ids(records))
    assert client.get(path).status_code == 404
    if name in POSTED_TO:
        assert client.post(path, {}).status_code == 404


@pytest.mark.parametrize(("name", "ids", "_other"), ALL_PAGES, ids=_ids(ALL_PAGES))
def test_every_page_requires_signing_in(client, records, name, ids, _other):
    path = page(name, records.cohort_a.blkk, *ids(records))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "_ids", "other_ids"), WITH_RECORDS, ids=_ids(WITH_RECORDS)
)
def test_another_blkks_record_through_this_blkks_path_is_404(
    client, manager_a, records, name, _ids, other_ids
):
    client.force_login(manager_a)
    path = page(name, records.cohort_a.blkk, *other_ids(records))
    assert client.get(path).status_code == 404
    if name in POSTED_TO:
        assert client.post(path, {"name": "x", "title": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("name", "_ids", "other_ids"),
    [entry for entry in READ_PAGES if entry[2] is not None],
    ids=_ids(entry for entry in READ_PAGES if entry[2] is not None),
)
def test_ministry_staff_reach_a_record_only_through_its_own_blkks_path(
    client, ministry_user, records, name, _ids, other_ids
):
    # Ministry staff open every BLKK, but a record only under the BLKK it is of;
    # a write page answers them 403 whatever its record (above).
    client.force_login(ministry_user)
    wrong = page(name, records.cohort_a.blkk, *other_ids(records))
    right = page(name, records.cohort_b.blkk, *other_ids(records))
    assert client.get(wrong).status_code == 404
    assert client.get(right).status_code == 200


@pytest.mark.parametrize(
    ("name", "_ids", "other_ids"), WITH_RECORDS, ids=_ids(WITH_RECORDS)
)
def test_another_blkks_record_through_its_own_path_is_404(
    client, province_user, records, name, _ids, other_ids
):
    # Dewi reads Jawa Barat: BLKK B (Jawa Timur) and its records are not hers.
    client.force_login(province_user)
    path = page(name, records.cohort_b.blkk, *other_ids(records))
    assert client.get(path).status_code == 404


def test_the_menu_names_the_incubation_sections(client, manager_a, blkk_a):
    client.force_login(manager_a)
    response = client.get(page("cohort-list", blkk_a))
    sections = {s["url"]: s for s in response.context["here"].sections}
    for name in ("cohort-list", "venture-list", "metrics-month"):
        assert page(name, blkk_a) in sections
    assert sections[page("cohort-list", blkk_a)]["current"] is True


# --- cohorts --------------------------------------------------------------------------


def test_the_cohort_list_shows_this_blkks_cohorts_with_their_venture_counts(
    client, manager_a, records
):
    VentureFactory(cohort=records.cohort_a)
    client.force_login(manager_a)
    response = client.get(page("cohort-list", records.cohort_a.blkk))
    content = response.content.decode()
    assert records.cohort_a.name in content
    assert records.cohort_b.name not in content
    (row,) = response.context["page"].object_list
    assert row.venture_count == 2
    assert page("cohort-create", records.cohort_a.blkk) in content


def test_read_only_staff_see_no_write_buttons_on_cohort_pages(
    client, ministry_user, records
):
    client.force_login(ministry_user)
    blkk = records.cohort_a.blkk
    listing = client.get(page("cohort-list", blkk)).content.decode()
    detail = client.get(page("cohort-detail", blkk, records.cohort_a.pk))
    assert page("cohort-create", blkk) not in listing
    assert page("cohort-update", blkk, records.cohort_a.pk) not in (
        detail.content.decode()
    )
    assert page("venture-create", blkk) not in detail.content.decode()


def test_a_cohorts_page_lists_its_ventures_only(client, manager_a, records):
    other_cohort = CohortFactory(blkk=records.cohort_a.blkk, name="Kohort Lain")
    elsewhere = VentureFactory(cohort=other_cohort, name="Warung Lain")
    client.force_login(manager_a)
    response = client.get(
        page("cohort-detail", records.cohort_a.blkk, records.cohort_a.pk)
    )
    content = response.content.decode()
    assert records.venture_a.name in content
    assert elsewhere.name not in content


def test_a_manager_adds_a_cohort_to_their_blkk(client, manager_a, blkk_a):
    client.force_login(manager_a)
    response = client.post(
        page("cohort-create", blkk_a),
        {
            "name": "Kohort Menjahit 2027",
            "year": "2027",
            "start_date": "2027-02-01",
            "end_date": "2027-07-31",
            "status": "planned",
        },
    )
    cohort = Cohort.objects.get(name="Kohort Menjahit 2027")
    assert response.status_code == 303
    assert response["Location"] == page("cohort-detail", blkk_a, cohort.pk)
    assert cohort.blkk == blkk_a
    assert (cohort.year, cohort.start_date, cohort.end_date, cohort.status) == (
        2027,
        datetime.date(2027, 2, 1),
        datetime.date(2027, 7, 31),
        "planned",
    )


def test_a_cohort_the_service_refuses_shows_its_message_and_stores_nothing(
    client, manager_a, blkk_a
):
    expected = refusal(
        lambda: services.cohort_create(
            blkk=blkk_a,
            name="Kohort Terbalik",
            year=2027,
            start_date=datetime.date(2027, 7, 1),
            end_date=datetime.date(2027, 1, 1),
            by=manager_a,
        )
    )
    client.force_login(manager_a)
    response = client.post(
        page("cohort-create", blkk_a),
        {
            "name": "Kohort Terbalik",
            "year": "2027",
            "start_date": "2027-07-01",
            "end_date": "2027-01-01",
            "status": "planned",
        },
    )
    assert response.status_code == 200
    assert expected
    for message in expected:
        assert message in response.content.decode()
    assert not Cohort.objects.filter(name="Kohort Terbalik").exists()


def test_a_cohort_name_taken_in_this_blkk_is_refused_with_the_services_message(
    client, manager_a, records
):
    blkk = records.cohort_a.blkk
    fields = {
        "name": records.cohort_a.name,
        "year": 2026,
        "start_date": datetime.date(2026, 2, 1),
    }
    expected = refusal(lambda: services.cohort_create(blkk=blkk, **fields, by=None))
    client.force_login(manager_a)
    response = client.post(
        page("cohort-create", blkk),
        {**fields, "start_date": "2026-02-01", "status": "planned"},
    )
    assert response.status_code == 200
    assert expected[0] in response.content.decode()
    assert Cohort.objects.filter(blkk=blkk).count() == 1


def test_a_year_in_other_digits_is_refused(client, manager_a, blkk_a):
    client.force_login(manager_a)
    response = client.post(
        page("cohort-create", blkk_a),
        {
            "name": "Kohort",
            "year": "\u0662\u0660\u0662\u0667",
            "start_date": "2027-02-01",
            "status": "planned",
        },
    )
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert not Cohort.objects.exists()


def test_a_manager_changes_a_cohort(client, manager_a, cohort_a):
    client.force_login(manager_a)
    path = page("cohort-update", cohort_a.blkk, cohort_a.pk)
    form = client.get(path).context["form"]
    assert form["name"].value() == cohort_a.name
    response = client.post(
        path,
        {
            "name": "Kohort Inkubasi 2026 (gelombang 1)",
            "year": "2026",
            "start_date": "2026-01-05",
            "end_date": "2026-12-31",
            "status": "running",
        },
    )
    assert response.status_code == 303
    cohort_a.refresh_from_db()
    assert cohort_a.name == "Kohort Inkubasi 2026 (gelombang 1)"
    assert cohort_a.end_date == datetime.date(2026, 12, 31)


def test_a_refused_cohort_change_stores_nothing(client, manager_a, cohort_a):
    client.force_login(manager_a)
    response = client.post(
        page("cohort-update", cohort_a.blkk, cohort_a.pk),
        {
            "name": "Nama Baru",
            "year": "2026",
            "start_date": "2026-01-05",
            "end_date": "2025-12-31",
            "status": "running",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    # The page's heading still names the cohort as stored.
    assert response.context["cohort"].name == "Kohort Inkubasi 2026"
    cohort_a.refresh_from_db()
    assert (cohort_a.name, cohort_a.end_date) == ("Kohort Inkubasi 2026", None)


# --- query counts ---------------------------------------------------------------------


def _ventures(blkk, count: int) -> None:
    cohort = CohortFactory(blkk=blkk)
    for _n in range(count):
        venture = VentureFactory(
            cohort=cohort,
            founders=[TraineeFactory(blkk=blkk), TraineeFactory(blkk=blkk)],
        )
        VentureMetricFactory(venture=venture)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_cohort_list_reads_a_fixed_number_of_queries(
    client, manager_a, blkk_a, rows, django_assert_max_num_queries
):
    for _n in range(rows):
        VentureFactory(cohort=CohortFactory(blkk=blkk_a))
    client.force_login(manager_a)
    with django_assert_max_num_queries(12):
        response = client.get(page("cohort-list", blkk_a))
    assert len(response.context["page"].object_list) == min(rows, 25)


@pytest.mark.parametrize("rows", [3, 30])
def test_a_cohorts_page_reads_a_fixed_number_of_queries(
    client, manager_a, blkk_a, rows, django_assert_max_num_queries
):
    _ventures(blkk_a, rows)
    cohort = Cohort.objects.get(blkk=blkk_a)
    client.force_login(manager_a)
    with django_assert_max_num_queries(14):
        response = client.get(page("cohort-detail", blkk_a, cohort.pk))
    assert len(response.context["page"].object_list) == min(rows, 25)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_venture_list_reads_a_fixed_number_of_queries(
    client, ministry_user, rows, django_assert_max_num_queries
):
    blkk = BlkkFactory()
    _ventures(blkk, rows)
    client.force_login(ministry_user)
    with django_assert_max_num_queries(14):
        response = client.get(page("venture-list", blkk))
    shown = response.context["page"].object_list
    assert len(shown) == min(rows, 25)
    assert all(venture.last_reported for venture in shown)
