"""A NIK is not an oracle (DESIGN.md, "Roles and scoping"; issue #9, hole 1).

An outside test recovered a whole NIK as a mentor and as provincial staff: the
trainees' search matched a term of 16 digits exactly, so one row or none confirmed
each guess of the hidden middle digits. Roles that see NIKs masked may no longer
search by NIK at all (400 with a message), through the API, the admin's search,
its autocomplete widgets or its sorting; managers find by NIK only the people whose
NIK they see whole.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from mentoring import services as mentoring_services
from mentoring.models import Mentor
from tests.admin_forms import admin_url
from tests.api.resources import url
from training.models import Certification, Enrollment, Trainee
from training.validators import mask_nik

pytestmark = pytest.mark.django_db


def _search(api, user, term):
    return api(user).get(url("trainees"), {"search": term}, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("persona", ["province_32", "mentor_a"])
@pytest.mark.parametrize("part", ["whole", "start", "end", "middle"])
def test_masked_roles_cannot_search_by_any_part_of_a_nik(world, api, persona, part):
    nik = world.objects[Trainee]["a"].nik
    term = {"whole": nik, "start": nik[:6], "end": nik[-4:], "middle": nik[6:12]}
    response = _search(api, world.users[persona], term[part])
    assert response.status_code == 400
    assert "not available to your role" in response.json()["search"][0]


@pytest.mark.parametrize("persona", ["province_32", "mentor_a"])
def test_masked_roles_still_search_by_name(world, api, persona):
    response = _search(api, world.users[persona], "Peserta")
    assert response.status_code == 200
    assert [row["full_name"] for row in response.json()["results"]] == ["Peserta A"]


def test_a_unicode_digit_is_a_digit_too(world, api):
    response = _search(api, world.users["province_32"], "٣٢٧٣")
    assert response.status_code == 400


def test_ministry_finds_anyone_by_whole_nik(world, api):
    person = world.objects[Trainee]["b"]
    response = _search(api, world.users["ministry"], person.nik)
    assert [row["id"] for row in response.json()["results"]] == [person.pk]


def test_manager_finds_their_own_person_by_whole_nik(world, api):
    person = world.objects[Trainee]["a"]
    response = _search(api, world.users["manager_a"], person.nik)
    assert [row["nik"] for row in response.json()["results"]] == [person.nik]


def test_a_manager_who_mentors_cannot_confirm_a_founders_nik(world, api):
    """Bob also mentors Alice's venture: he sees its founder, NIK masked, and his
    NIK search must not find her (it would confirm the masked digits)."""
    bob = world.users["manager_b"]
    profile = Mentor.objects.create(user=bob, full_name="Bob", affiliation="blk")
    venture = world.objects[Enrollment]["a"].trainee.ventures.get()
    mentoring_services.assignment_create(
        mentor=profile,
        venture=venture,
        start_date=datetime.date(2026, 4, 1),
        status="active",
        by=None,
    )
    founder = world.objects[Trainee]["a"]
    by_name = _search(api, bob, "Peserta").json()["results"]
    assert {row["id"]: row["nik"] for row in by_name}[founder.pk] == mask_nik(
        founder.nik
    )

    response = _search(api, bob, founder.nik)
    assert response.status_code == 200
    assert response.json()["results"] == []


# --- the admin -----------------------------------------------------------------------


@pytest.mark.parametrize("model", [Trainee, Enrollment, Certification])
def test_province_staff_cannot_search_the_admin_by_nik(client, world, model, english):
    client.force_login(world.users["province_32"])
    nik = world.objects[Trainee]["a"].nik
    response = client.get(admin_url(model, "changelist"), {"q": nik[:8]})
    assert response.status_code == 400
    assert "not available to your role" in response.content.decode()


def test_province_staff_search_the_admin_by_name(client, world):
    client.force_login(world.users["province_32"])
    response = client.get(admin_url(Trainee, "changelist"), {"q": "Peserta"})
    assert list(response.context["cl"].result_list) == [world.objects[Trainee]["a"]]


def test_province_staff_cannot_search_the_autocomplete_by_nik(client, world):
    client.force_login(world.users["province_32"])
    nik = world.objects[Trainee]["a"].nik
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": nik,
            "app_label": "training",
            "model_name": "certification",
            "field_name": "trainee",
        },
    )
    assert response.status_code == 400


def test_province_staff_cannot_sort_the_admin_by_nik(client, world):
    client.force_login(world.users["province_32"])
    response = client.get(admin_url(Trainee, "changelist"))
    assert "shown_nik" not in response.context["cl"].sortable_by


def test_ministry_sorts_and_searches_the_admin_by_nik(client, world):
    client.force_login(world.users["ministry"])
    person = world.objects[Trainee]["b"]
    response = client.get(admin_url(Trainee, "changelist"), {"q": person.nik})
    assert list(response.context["cl"].result_list) == [person]
    assert "shown_nik" in response.context["cl"].sortable_by


# --- the history page (hole 7: it answered 500 for every role) -----------------------


def _version(person) -> int:
    return person.history.earliest("history_date").history_id


@pytest.mark.parametrize(
    ("persona", "shows_whole_nik"),
    [("ministry", True), ("manager_a", True), ("province_32", False)],
)
def test_a_trainees_old_version_opens_for_every_role_that_reads_it(
    client, world, persona, shows_whole_nik
):
    person = world.objects[Trainee]["a"]
    client.force_login(world.users[persona])
    page = client.get(admin_url(Trainee, "simple_history", person.pk, _version(person)))
    assert page.status_code == 200
    html = page.content.decode()
    assert (person.nik in html) is shows_whole_nik
    assert mask_nik(person.nik) in html or shows_whole_nik


def test_another_blkks_person_has_no_history_page_for_a_manager(client, world):
    person = world.objects[Trainee]["b"]
    client.force_login(world.users["manager_a"])
    page = client.get(admin_url(Trainee, "simple_history", person.pk, _version(person)))
    assert page.status_code == 404
