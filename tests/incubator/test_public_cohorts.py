"""The public page of cohorts taking applications (`/programmes/cohorts/`, DESIGN.md
"Portal pages"): anyone, no sign-in; the cohorts of active BLKKs taking
applications today (Asia/Jakarta), by province; each BLKK's name, regency, address,
phone and email; nothing about any person; its rows kept in the cache.

"Today" is 12 May 2026 in Jakarta unless a test says otherwise.
"""

from __future__ import annotations

import datetime
import html
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from redis.exceptions import RedisError

from incubator import public, services
from incubator.models import Cohort
from incubator.selectors import cohorts_open_for_applications
from tests.accounts.factories import UserFactory
from tests.incubator.factories import (
    CohortApplicationFactory,
    CohortFactory,
    VentureFactory,
)
from tests.test_content_policy import assert_strict_policy, inline_scripts
from tests.training.factories import BlkkFactory, TraineeFactory, regency
from training.models import Trainee
from training.validators import mask_nik

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=JAKARTA)
TODAY = NOW.date()
URL = "/programmes/cohorts/"


def day(delta: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=delta)


def shown(response) -> list[str]:
    """The names of the cohorts the page lists, in its order."""
    assert response.status_code == 200
    return [row["cohort_name"] for row in response.context["page"].object_list]


def open_cohort(blkk, name, **extra):
    fields = {"applications_open_on": day(-10), "applications_close_on": day(20)}
    return CohortFactory(blkk=blkk, name=name, **{**fields, **extra})


@pytest.fixture
def blkks():
    """An active BLKK in Jawa Timur (35), two in Jawa Barat (32), and an inactive
    one in Jawa Barat."""
    return {
        "jatim": BlkkFactory(
            regency=regency("35.78"),
            name="BLKK Darussalam Surabaya",
            address="Jl. Ahmad Yani 12, Surabaya",
            phone="0318475123",
            email="blkk.darussalam@example.id",
        ),
        "bandung": BlkkFactory(
            regency=regency("32.73"),
            name="BLKK Al-Ikhlas Bandung",
            address="Jl. Cibaduyut 7, Bandung",
            phone="0225201234",
            email="info@alikhlas.example.id",
        ),
        "bogor": BlkkFactory(regency=regency("32.01"), name="BLKK Al-Hikmah Bogor"),
        "closed_down": BlkkFactory(
            regency=regency("32.73"), name="BLKK Tutup", is_active=False
        ),
    }


@pytest.fixture
def cohorts(blkks):
    """What the page shows today, and what it must not."""
    return {
        "shown": [
            open_cohort(blkks["jatim"], "Kohort Surabaya"),
            open_cohort(blkks["bandung"], "Kohort Bandung"),
            # Opens today; closes today; no close date (until the cohort closes).
            open_cohort(
                blkks["bogor"], "Kohort Bogor Buka Hari Ini", applications_open_on=TODAY
            ),
            open_cohort(
                blkks["bogor"],
                "Kohort Bogor Tutup Hari Ini",
                applications_close_on=TODAY,
            ),
            open_cohort(
                blkks["bogor"],
                "Kohort Bogor Tanpa Batas",
                applications_close_on=None,
                status=Cohort.Status.PLANNED,
            ),
        ],
        "hidden": [
            open_cohort(
                blkks["bandung"], "Kohort Ditutup", status=Cohort.Status.CLOSED
            ),
            open_cohort(blkks["closed_down"], "Kohort BLKK Nonaktif"),
            open_cohort(
                blkks["bandung"],
                "Kohort Belum Buka",
                applications_open_on=day(1),
                applications_close_on=day(30),
            ),
            open_cohort(
                blkks["bandung"],
                "Kohort Sudah Lewat",
                applications_open_on=day(-30),
                applications_close_on=day(-1),
            ),
            open_cohort(
                blkks["bandung"],
                "Kohort Tanpa Pendaftaran",
                applications_open_on=None,
                applications_close_on=None,
            ),
        ],
    }


# --- who may open it ------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_anyone_sees_the_open_cohorts_by_province_without_signing_in(
    client, cohorts, blkks
):
    response = client.get(URL)

    # Jawa Barat (32) before Jawa Timur (35); within a province by regency (Kab.
    # Bogor 32.01 "Bogor" before Kota Bandung), BLKK, cohort.
    assert shown(response) == [
        "Kohort Bogor Buka Hari Ini",
        "Kohort Bogor Tanpa Batas",
        "Kohort Bogor Tutup Hari Ini",
        "Kohort Bandung",
        "Kohort Surabaya",
    ]
    content = response.content.decode()
    assert content.index('data-province="32"') < content.index('data-province="35"')
    surabaya = blkks["jatim"]
    for text in (
        surabaya.name,
        surabaya.regency.name,
        surabaya.address,
        f'href="tel:{surabaya.phone}"',
        f'href="mailto:{surabaya.email}"',
        surabaya.regency.province.name,
    ):
        assert html.escape(text, quote=False) in content, text
    for cohort in cohorts["hidden"]:
        assert cohort.name not in content
    assert blkks["closed_down"].name not in content
    assert 'lang="id"' in content


@time_machine.travel(NOW, tick=False)
def test_a_signed_in_user_sees_the_same_page(client, cohorts, manager_a):
    anonymous = shown(client.get(URL))
    client.force_login(manager_a)
    assert shown(client.get(URL)) == anonymous


@time_machine.travel(NOW, tick=False)
def test_the_page_keeps_the_content_policy_and_has_no_inline_script(client, cohorts):
    response = client.get(URL)
    assert_strict_policy(response)
    assert inline_scripts(response) == []
    assert 'style="' not in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_page_only_answers_get(client, cohorts):
    assert client.post(URL).status_code == 405


def test_the_sign_in_page_links_to_it(client, db):
    content = client.get(reverse("login")).content.decode()
    assert f'href="{URL}"' in content


# --- nothing personal -----------------------------------------------------------------


def _texts_of_people(users) -> set[str]:
    """Every name, NIK (whole and masked) and phone of every person recorded, and
    the names, emails and usernames of `users`."""
    texts: set[str] = set()
    for name, nik, phone in Trainee.objects.values_list("full_name", "nik", "phone"):
        texts |= {name, nik, mask_nik(nik), phone}
    for user in users:
        texts |= {user.get_full_name(), user.email, user.username}
    return {text for text in texts if text}


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_no_personal_data(client, cohorts, blkks, manager_a):
    # The shown cohorts' BLKKs have named managers; the cohorts have applications
    # (with co-applicants) and ventures with founders.
    managers = [
        UserFactory(full_name="Siti Pengelola", email="siti.pengelola@example.id"),
        UserFactory(full_name="Joko Pengelola", email="joko@example.id"),
        manager_a,
    ]
    blkks["bandung"].managers.set(managers[:2])
    blkks["jatim"].managers.set([managers[2]])
    for index, cohort in enumerate(cohorts["shown"]):
        region = cohort.blkk.regency
        people = [
            TraineeFactory(
                blkk=cohort.blkk, regency=region, phone=f"0813000000{index}{n}"
            )
            for n in range(3)
        ]
        CohortApplicationFactory(
            cohort=cohort,
            applicant=people[0],
            co_applicants=people[1:],
            received_on=day(-1),
        )
        VentureFactory(
            cohort=cohort,
            founders=[TraineeFactory(blkk=cohort.blkk, regency=region)],
        )
    texts = _texts_of_people(managers)
    assert len(texts) > 40

    for viewer in (None, managers[0]):
        if viewer is not None:
            client.force_login(viewer)
        content = client.get(URL).content.decode()
        for cohort in cohorts["shown"]:
            assert cohort.name in content
        # The signed-in reader's own name is in the page's top bar, for them only.
        others = texts - (
            {viewer.get_full_name(), viewer.username} if viewer else set()
        )
        leaked = [
            text
            for text in others
            if text in content or html.escape(text, quote=False) in content
        ]
        assert leaked == []


@time_machine.travel(NOW, tick=False)
def test_a_signed_in_readers_name_is_not_served_to_the_next_reader(
    client, cohorts, manager_a
):
    client.force_login(manager_a)
    assert manager_a.get_full_name() in client.get(URL).content.decode()
    client.logout()
    content = client.get(URL).content.decode()
    assert manager_a.get_full_name() not in content
    assert manager_a.username not in content


# --- today is Jakarta's ---------------------------------------------------------------


def test_today_is_jakartas(client, blkks):
    open_cohort(
        blkks["bandung"], "Kohort Juni", applications_open_on=datetime.date(2026, 6, 1)
    )
    # 31 May, 18:00 UTC is 1 June, 01:00 in Jakarta.
    with time_machine.travel(
        datetime.datetime(2026, 5, 31, 18, 0, tzinfo=datetime.UTC)
    ):
        assert shown(client.get(URL)) == ["Kohort Juni"]
    with time_machine.travel(
        datetime.datetime(2026, 5, 31, 16, 0, tzinfo=datetime.UTC)
    ):
        assert shown(client.get(URL)) == []


# --- the province filter, pages -------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_province_filter_keeps_one_province(client, cohorts):
    response = client.get(URL, {"province": "35"})
    assert shown(response) == ["Kohort Surabaya"]
    assert response.context["province"]["name"] == "Jawa Timur"
    # The choices: the provinces with cohorts taking applications, and how many.
    assert [(p["code"], p["count"]) for p in response.context["provinces"]] == [
        ("32", 4),
        ("35", 1),
    ]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("code", ["11", "3", "<b>32</b>", "x" * 300])
def test_a_province_with_no_open_cohort_or_no_province_lists_none(
    client, cohorts, code
):
    response = client.get(URL, {"province": code})
    assert shown(response) == []
    assert response.context["province"] is None
    assert "<b>32</b>" not in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_long_list_is_paged(client, blkks):
    for number in range(25):
        open_cohort(blkks["bandung"], f"Kohort {number:02d}")
    first = client.get(URL)
    second = client.get(URL, {"page": "2"})
    assert shown(first) == [f"Kohort {n:02d}" for n in range(20)]
    assert shown(second) == [f"Kohort {n:02d}" for n in range(20, 25)]
    assert first.context["total"] == 25
    assert 'rel="next"' in first.content.decode()


# --- queries and the cache ------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_page_costs_one_query_whatever_the_number_of_cohorts(
    client, blkks, django_assert_num_queries
):
    for number in range(3):
        open_cohort(blkks["bandung"], f"Kohort A{number}")
    with django_assert_num_queries(1):
        assert len(shown(client.get(URL))) == 3
    cache.clear()
    for number in range(30):
        blkk = BlkkFactory(regency=regency("35.78" if number % 2 else "32.01"))
        open_cohort(blkk, f"Kohort B{number}")
    with django_assert_num_queries(1):
        assert len(shown(client.get(URL))) == 20


@time_machine.travel(NOW, tick=False)
def test_a_second_view_asks_the_database_nothing(
    client, cohorts, django_assert_num_queries
):
    first = shown(client.get(URL))
    with django_assert_num_queries(0):
        again = client.get(URL, {"province": "32", "page": "1"})
    assert shown(again) == first[:4]


@time_machine.travel(NOW, tick=False)
def test_a_cohort_changed_through_its_service_shows_at_once(
    client, cohorts, blkks, django_capture_on_commit_callbacks
):
    assert "Kohort Belum Buka" not in shown(client.get(URL))
    later = Cohort.objects.get(name="Kohort Belum Buka")
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_update(cohort=later, applications_open_on=TODAY, by=None)
    assert "Kohort Belum Buka" in shown(client.get(URL))

    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_create(
            blkk=blkks["jatim"],
            name="Kohort Baru",
            year=2026,
            start_date=day(30),
            applications_open_on=TODAY,
            by=None,
        )
    assert "Kohort Baru" in shown(client.get(URL))

    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_delete(cohort=Cohort.objects.get(name="Kohort Baru"), by=None)
    assert "Kohort Baru" not in shown(client.get(URL))


@time_machine.travel(NOW, tick=False)
def test_a_blkks_change_shows_once_the_rows_expire(client, cohorts, blkks, settings):
    # Not cleared by the BLKK's own change (training cannot call the incubator).
    assert "Kohort Surabaya" in shown(client.get(URL))
    type(blkks["jatim"]).objects.filter(pk=blkks["jatim"].pk).update(is_active=False)
    assert "Kohort Surabaya" in shown(client.get(URL))
    public.public_cohorts_forget(TODAY)  # what the expiry does
    assert "Kohort Surabaya" not in shown(client.get(URL))


def test_the_rows_are_kept_per_day(client, blkks):
    open_cohort(
        blkks["bandung"],
        "Kohort Sampai Hari Ini",
        applications_open_on=datetime.date(2026, 5, 1),
        applications_close_on=TODAY,
    )
    with time_machine.travel(NOW, tick=False):
        assert shown(client.get(URL)) == ["Kohort Sampai Hari Ini"]
    # The next morning, within the cache's 5 minutes of midnight: the window closed.
    with time_machine.travel(
        datetime.datetime(2026, 5, 13, 0, 1, tzinfo=JAKARTA), tick=False
    ):
        assert shown(client.get(URL)) == []


@time_machine.travel(NOW, tick=False)
def test_a_cache_that_does_not_answer_leaves_the_page_working(
    client, cohorts, monkeypatch
):
    class Unreachable:
        def __getattr__(self, name):
            def refuse(*args, **kwargs):
                raise RedisError("down")

            return refuse

    monkeypatch.setattr(public, "cache", Unreachable())
    assert len(shown(client.get(URL))) == 5


@time_machine.travel(NOW, tick=False)
def test_the_rows_hold_the_cohort_and_its_blkks_institutional_details_only(cohorts):
    # A field added here reaches a page anyone reads: add it knowingly.
    [row, *_] = cohorts_open_for_applications(TODAY)
    assert set(row) == {
        "cohort_name",
        "cohort_year",
        "starts_on",
        "ends_on",
        "open_on",
        "close_on",
        "blkk_name",
        "address",
        "phone",
        "email",
        "regency",
        "province_code",
        "province",
    }
