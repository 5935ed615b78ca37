"""A BLKK's trainee pages (`/blkk/CODE/trainees/...`): the list and its search, a
person's page, registering and changing a person, and the check as you type.

Alice (`manager_a`) runs BLKK A in Jawa Barat, Bob (`manager_b`) BLKK B in Jawa
Timur; Dewi (`province_32`) reads Jawa Barat's BLKKs with NIKs masked; Rina
(`ministry`) reads everything. Only a BLKK's managers write on its pages.
"""

from __future__ import annotations

import datetime
from html import unescape
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from rest_framework import serializers

from blkk_portal.audit.models import AuditAction, PersonalDataEvent
from blkk_portal.form_resume import KEPT_FORMS
from tests.api.resources import url as api_url
from tests.test_content_policy import assert_strict_policy, inline_scripts
from tests.training.factories import (
    CertificationFactory,
    EnrollmentFactory,
    GraduateOutcomeFactory,
    PlacementFactory,
    TraineeFactory,
    TrainingBatchFactory,
    make_nik,
)
from training.managers import NikSearchRefused
from training.models import Trainee
from training.validators import mask_nik
from training.views.trainees import NIK_ON_THIS_LIST, NIK_REGISTERED_ELSEWHERE

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(2001, 3, 2)
# A woman born on 2 March 2001 in Kota Bandung (Jawa Barat).
NEW_NIK = make_nik("32", BIRTH, "F", 7)


def page(name: str, blkk, *args) -> str:
    return reverse(name, args=[blkk.code, *args])


def signed_in(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return unescape(response.content.decode())


def new_person(**overrides) -> dict:
    """What the registration form posts, with the API's field names."""
    return {
        "nik": NEW_NIK,
        "full_name": "Ayu Lestari",
        "gender": "F",
        "birth_date": BIRTH.isoformat(),
        "phone": "081234567890",
        "regency": "32.73",
        "education": "smk",
        "prior_status": "unemployed",
        **overrides,
    }


def in_indonesian(message) -> str:
    with override("id"):
        return gettext(str(message)) if isinstance(message, str) else str(message)


@pytest.fixture
def person_a(blkk_a):
    """Registered at BLKK A, three years ago."""
    return TraineeFactory(
        blkk=blkk_a, full_name="Ayu Lestari", registered_on=datetime.date(2023, 1, 9)
    )


@pytest.fixture
def person_b(blkk_b):
    """Registered at BLKK B, never trained at A."""
    return TraineeFactory(
        blkk=blkk_b, full_name="Ayu Lestari", registered_on=datetime.date(2024, 1, 9)
    )


@pytest.fixture
def person_b_enrolled_at_a(blkk_a, blkk_b):
    """Registered at BLKK B last year, then enrolled in a batch of A."""
    person = TraineeFactory(
        blkk=blkk_b,
        full_name="Budi Santoso",
        gender="M",
        birth_date=datetime.date(1990, 8, 11),
        registered_on=datetime.date(2025, 6, 2),
    )
    EnrollmentFactory(trainee=person, batch=TrainingBatchFactory(blkk=blkk_a))
    return person


# --- who may open the pages -----------------------------------------------------------

READ_PAGES = ["trainee-list", "trainee-detail"]
WRITE_PAGES = ["trainee-create", "trainee-update"]


def every_page(blkk, person) -> list[str]:
    return [
        page("trainee-list", blkk),
        page("trainee-create", blkk),
        page("trainee-detail", blkk, person.pk),
        page("trainee-update", blkk, person.pk),
    ]


def test_every_page_asks_to_sign_in_first(client, blkk_a, person_a):
    for path in every_page(blkk_a, person_a):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("login")), path
    checked = client.post(page("trainee-check", blkk_a), {"nik": "3273"})
    assert checked.status_code == 302


@pytest.mark.parametrize("persona", ["mentor_a", "manager_b"])
def test_a_mentor_or_another_blkks_manager_finds_no_such_page(
    request, client, blkk_a, person_a, persona
):
    signed_in(client, request.getfixturevalue(persona))
    for path in every_page(blkk_a, person_a):
        assert client.get(path).status_code == 404, path
    assert client.post(page("trainee-create", blkk_a), new_person()).status_code == 404
    assert client.post(page("trainee-check", blkk_a), new_person()).status_code == 404
    assert not Trainee.objects.filter(nik=NEW_NIK).exists()


def test_province_staff_of_another_province_find_no_such_page(
    client, blkk_b, person_b, province_user
):
    signed_in(client, province_user)
    for path in every_page(blkk_b, person_b):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_staff_read_the_pages_but_every_write_is_forbidden(
    request, client, blkk_a, person_a, persona
):
    signed_in(client, request.getfixturevalue(persona))
    for name in READ_PAGES:
        args = [] if name == "trainee-list" else [person_a.pk]
        response = client.get(page(name, blkk_a, *args))
        assert response.status_code == 200
        content = text(response)
        assert page("trainee-create", blkk_a) not in content
        assert page("trainee-update", blkk_a, person_a.pk) not in content
    for path in [page("trainee-create", blkk_a), page("trainee-update", blkk_a, 1)]:
        assert client.get(path).status_code == 403
    created = client.post(page("trainee-create", blkk_a), new_person())
    changed = client.post(
        page("trainee-update", blkk_a, person_a.pk), {"phone": "081111111111"}
    )
    checked = client.post(page("trainee-check", blkk_a), new_person())
    assert (created.status_code, changed.status_code, checked.status_code) == (
        403,
        403,
        403,
    )
    assert not Trainee.objects.filter(nik=NEW_NIK).exists()
    person_a.refresh_from_db()
    assert person_a.phone != "081111111111"


def test_the_menu_of_a_blkks_pages_leads_to_its_trainees(client, blkk_a, manager_a):
    response = signed_in(client, manager_a).get(page("trainee-list", blkk_a))
    assert f'href="{page("trainee-list", blkk_a)}" aria-current="page"' in text(
        response
    )


# --- the list -------------------------------------------------------------------------


def test_manager_lists_the_people_registered_or_enrolled_here_newest_first(
    client, blkk_a, manager_a, person_a, person_b, person_b_enrolled_at_a
):
    response = signed_in(client, manager_a).get(page("trainee-list", blkk_a))
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert shown == [person_b_enrolled_at_a, person_a]
    content = text(response)
    # Whole NIKs: both are this BLKK's people; name, birth date and NIK tell
    # namesakes apart.
    assert person_a.nik in content
    assert f"Ayu Lestari · 17 Mei 1998 · NIK {person_a.nik}" in content
    assert person_b.nik not in content
    assert gettext_id("Registered here") in content
    assert blkk_b_name(person_b_enrolled_at_a) in content


def gettext_id(message: str) -> str:
    with override("id"):
        return gettext(message)


def blkk_b_name(person) -> str:
    return person.blkk.name


def test_province_staff_see_niks_masked(client, blkk_a, province_user, person_a):
    response = signed_in(client, province_user).get(page("trainee-list", blkk_a))
    content = text(response)
    assert person_a.nik not in content
    assert mask_nik(person_a.nik) in content
    assert not PersonalDataEvent.objects.exists()


def test_whole_niks_shown_to_the_ministry_are_audited(
    client, blkk_a, ministry_user, person_a
):
    response = signed_in(client, ministry_user).get(
        page("trainee-list", blkk_a), {"q": "Ayu"}
    )
    assert person_a.nik in text(response)
    event = PersonalDataEvent.objects.get()
    assert (event.user, event.action, event.rows) == (
        ministry_user,
        AuditAction.FULL_NIK_VIEW,
        1,
    )
    assert "q=Ayu" in event.query


def test_a_manager_seeing_another_blkks_person_whole_is_audited_and_their_own_not(
    client, blkk_a, manager_a, person_a, person_b_enrolled_at_a
):
    signed_in(client, manager_a).get(page("trainee-list", blkk_a))
    event = PersonalDataEvent.objects.get()
    assert (event.user, event.rows) == (manager_a, 1)
    PersonalDataEvent.objects.all().delete()
    client.get(page("trainee-list", blkk_a), {"q": "Ayu"})
    assert not PersonalDataEvent.objects.exists()


def test_search_by_name(client, blkk_a, manager_a, person_a, person_b_enrolled_at_a):
    response = signed_in(client, manager_a).get(
        page("trainee-list", blkk_a), {"q": "santoso"}
    )
    assert list(response.context["page"].object_list) == [person_b_enrolled_at_a]


@pytest.mark.parametrize("part", ["whole", "start", "end"])
def test_manager_finds_a_person_by_the_start_or_end_of_their_nik(
    client, blkk_a, manager_a, person_a, person_b_enrolled_at_a, part
):
    nik = person_b_enrolled_at_a.nik
    term = {"whole": nik, "start": nik[:10], "end": f" {nik[-4:]} "}[part]
    response = signed_in(client, manager_a).get(
        page("trainee-list", blkk_a), {"q": term}
    )
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [person_b_enrolled_at_a]


def test_the_middle_of_a_nik_finds_no_one(client, blkk_a, manager_a, person_a):
    response = signed_in(client, manager_a).get(
        page("trainee-list", blkk_a), {"q": person_a.nik[6:12]}
    )
    assert list(response.context["page"].object_list) == []
    assert gettext_id("No trainee matches.") in text(response)


def test_manager_cannot_find_another_blkks_person_by_nik(
    client, blkk_a, manager_a, person_a, person_b
):
    signed_in(client, manager_a)
    for term in [person_b.nik, person_b.nik[:8], person_b.nik[-4:]]:
        response = client.get(page("trainee-list", blkk_a), {"q": term})
        assert person_b not in response.context["page"].object_list
        assert f"NIK {person_b.nik}" not in text(response)


def test_the_nik_search_is_among_the_people_whose_nik_the_user_sees_whole(
    client, blkk_a, manager_a, person_a
):
    """The page narrows a NIK search with `searchable_by_nik`, the API's rule,
    besides the BLKK's own list: a person left out by it is not found."""
    signed_in(client, manager_a)
    with mock.patch.object(
        type(Trainee.objects.all()),
        "searchable_by_nik",
        lambda self, user: self.exclude(pk=person_a.pk),
    ):
        response = client.get(page("trainee-list", blkk_a), {"q": person_a.nik})
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize("term", ["3273", "Ayu 01", "٣٢٧٣"])
def test_province_staff_searching_with_a_digit_are_refused_with_the_apis_message(
    client, api, blkk_a, province_user, person_a, term
):
    response = signed_in(client, province_user).get(
        page("trainee-list", blkk_a), {"q": term}
    )
    assert response.status_code == 400
    content = text(response)
    assert in_indonesian(NikSearchRefused.message) in content
    # The search box is there to search by name, empty; no one is listed.
    assert 'name="q" type="search" value=""' in content
    assert person_a.full_name not in content
    refused = api(province_user).get(
        api_url("trainees"), {"search": term}, HTTP_ACCEPT_LANGUAGE="id"
    )
    assert refused.status_code == 400
    assert refused.json()["search"] == [in_indonesian(NikSearchRefused.message)]


def test_province_staff_search_by_name(client, blkk_a, province_user, person_a):
    response = signed_in(client, province_user).get(
        page("trainee-list", blkk_a), {"q": "Lestari"}
    )
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [person_a]


def test_a_nul_byte_or_an_overlong_search_is_no_error(
    client, blkk_a, manager_a, person_a
):
    signed_in(client, manager_a)
    for term in ["Ayu\x00", "A" * 5000]:
        assert client.get(page("trainee-list", blkk_a), {"q": term}).status_code == 200


@pytest.mark.parametrize("persona", ["manager_a", "ministry_user", "province_user"])
def test_the_list_costs_the_same_queries_for_3_or_30_people(
    request, client, blkk_a, blkk_b, django_assert_max_num_queries, persona
):
    signed_in(client, request.getfixturevalue(persona))
    batch = TrainingBatchFactory(blkk=blkk_a, capacity=100)

    def add(count: int) -> None:
        # Half registered here, half enrolled here from BLKK B.
        for index in range(count):
            if index % 2:
                TraineeFactory(blkk=blkk_a)
            else:
                EnrollmentFactory(batch=batch, trainee=TraineeFactory(blkk=blkk_b))

    add(3)
    with django_assert_max_num_queries(12) as few:
        assert client.get(page("trainee-list", blkk_a)).status_code == 200
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page("trainee-list", blkk_a))
    assert response.status_code == 200


def test_the_list_is_paginated(client, blkk_a, manager_a):
    TraineeFactory.create_batch(27, blkk=blkk_a)
    signed_in(client, manager_a)
    first = client.get(page("trainee-list", blkk_a))
    second = client.get(page("trainee-list", blkk_a), {"page": "2"})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2
    assert 'rel="next"' in text(first)


# --- a person's page ------------------------------------------------------------------


def test_manager_sees_their_persons_page_with_what_happened_to_them(
    client, blkk_a, manager_a
):
    person = TraineeFactory(blkk=blkk_a, graduate=True)
    certification = CertificationFactory(trainee=person, scheme="Menjahit Busana")
    outcome = GraduateOutcomeFactory(trainee=person, monthly_income=1_250_000)
    response = signed_in(client, manager_a).get(
        page("trainee-detail", blkk_a, person.pk)
    )
    assert response.status_code == 200
    content = text(response)
    assert person.nik in content
    assert person.enrollments.get().batch.name in content
    assert certification.scheme in content
    assert "Rp\u00a01.250.000" in content
    assert outcome.employer_or_business in content
    assert page("trainee-update", blkk_a, person.pk) in content
    assert response.context["phone_only"] is False
    assert response.context["writable"]["certifications"] == {certification.pk}
    assert response.context["writable"]["enrollments"] == {person.enrollments.get().pk}
    assert response.context["can_record"] == {
        "certification": True,
        "outcome": True,
        "placement": True,
    }
    assert not PersonalDataEvent.objects.exists()


def test_a_person_enrolled_here_from_another_blkk_shows_what_this_user_may_see(
    client, blkk_a, blkk_b, manager_a, person_b_enrolled_at_a
):
    """Alice sees Budi's enrollment at A, not his enrollments at B; she reads the
    certification B recorded but may not change it; she may change only his phone;
    the whole NIK she was shown is audited."""
    at_b = EnrollmentFactory(
        trainee=person_b_enrolled_at_a,
        batch=TrainingBatchFactory(blkk=blkk_b, name="Angkatan Surabaya"),
        completed=True,
    )
    certification = CertificationFactory(
        trainee=person_b_enrolled_at_a, recorded_by_blkk=blkk_b
    )
    response = signed_in(client, manager_a).get(
        page("trainee-detail", blkk_a, person_b_enrolled_at_a.pk)
    )
    assert response.status_code == 200
    content = text(response)
    assert at_b.batch.name not in content
    assert certification.scheme in content
    assert response.context["writable"]["certifications"] == set()
    assert response.context["phone_only"] is True
    assert gettext_id("Change phone number") in content
    event = PersonalDataEvent.objects.get()
    assert (event.record_id, event.action) == (
        person_b_enrolled_at_a.pk,
        AuditAction.FULL_NIK_VIEW,
    )


def test_another_blkks_person_is_not_found_through_either_blkk(
    client, blkk_a, blkk_b, manager_a, person_b
):
    signed_in(client, manager_a)
    for blkk in [blkk_a, blkk_b]:
        for name in ["trainee-detail", "trainee-update"]:
            assert client.get(page(name, blkk, person_b.pk)).status_code == 404
    changed = client.post(
        page("trainee-update", blkk_a, person_b.pk), {"phone": "081111111111"}
    )
    assert changed.status_code == 404
    person_b.refresh_from_db()
    assert person_b.phone != "081111111111"


def test_an_id_beyond_any_row_is_not_found(client, blkk_a, manager_a):
    signed_in(client, manager_a)
    assert client.get(f"{page('trainee-list', blkk_a)}{'9' * 30}/").status_code == 404


def test_province_staff_read_a_persons_page_with_the_nik_masked(
    client, blkk_a, province_user, person_a
):
    response = signed_in(client, province_user).get(
        page("trainee-detail", blkk_a, person_a.pk)
    )
    content = text(response)
    assert person_a.nik not in content
    assert mask_nik(person_a.nik) in content
    assert response.context["can_edit"] is False
    assert response.context["writable"] == {
        "enrollments": set(),
        "certifications": set(),
        "outcomes": set(),
        "placements": set(),
    }
    assert response.context["can_record"] == {
        "certification": False,
        "outcome": False,
        "placement": False,
    }


def test_a_persons_page_seen_by_the_ministry_is_audited(
    client, blkk_a, ministry_user, person_a
):
    signed_in(client, ministry_user).get(page("trainee-detail", blkk_a, person_a.pk))
    assert PersonalDataEvent.objects.get().record_id == person_a.pk


def test_a_persons_page_costs_the_same_queries_with_many_records(
    client, blkk_a, manager_a, django_assert_max_num_queries
):
    person = TraineeFactory(blkk=blkk_a, graduate=True)
    signed_in(client, manager_a)
    with django_assert_max_num_queries(22) as few:
        client.get(page("trainee-detail", blkk_a, person.pk))
    for _index in range(5):
        EnrollmentFactory(trainee=person, batch=TrainingBatchFactory(blkk=blkk_a))
        CertificationFactory(trainee=person)
        GraduateOutcomeFactory(trainee=person)
        PlacementFactory(trainee=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page("trainee-detail", blkk_a, person.pk))
    assert len(response.context["certifications"]) == 5


# --- registering a person -------------------------------------------------------------


def test_manager_registers_a_person_here_today(client, blkk_a, manager_a):
    signed_in(client, manager_a)
    form = client.get(page("trainee-create", blkk_a))
    assert form.status_code == 200
    # The regency preselected is the BLKK's; regencies grouped by province.
    assert form.context["form"]["regency"].value() == "32.73"
    assert '<optgroup label="Jawa Barat">' in text(form)
    response = client.post(page("trainee-create", blkk_a), new_person())
    person = Trainee.objects.get(nik=NEW_NIK)
    assert response.status_code == 303
    assert response["Location"] == page("trainee-detail", blkk_a, person.pk)
    today = timezone.localdate()
    assert (person.blkk, person.registered_on, person.consent_on) == (
        blkk_a,
        today,
        today,
    )
    assert (person.full_name, person.gender, person.birth_date) == (
        "Ayu Lestari",
        "F",
        BIRTH,
    )


def test_consent_given_on_another_date_is_kept(client, blkk_a, manager_a):
    signed_in(client, manager_a).post(
        page("trainee-create", blkk_a), new_person(consent_on="2026-11-30")
    )
    assert Trainee.objects.get(nik=NEW_NIK).consent_on == datetime.date(2026, 11, 30)


def the_apis_errors(api, user, data: dict) -> dict[str, list[str]]:
    """What the API answers to the same person posted as `user`, in Indonesian,
    but DRF's own message about a NIK's length: the NIK's validator already says
    "NIK must be exactly 16 digits", which is all the page says."""
    response = api(user).post(
        api_url("trainees"), data, format="json", HTTP_ACCEPT_LANGUAGE="id"
    )
    assert response.status_code == 400, response.json()
    with override("id"):
        too_long = str(
            serializers.CharField.default_error_messages["max_length"]
        ).format(max_length=16)
    errors = response.json()
    if "nik" in errors:
        errors["nik"] = [message for message in errors["nik"] if message != too_long]
    return errors


BAD_PEOPLE = {
    "short NIK": {"nik": "3273010101"},
    "long NIK": {"nik": "32730142030100071"},
    "letters in the NIK": {"nik": "32730142O3010007"},
    "no such province": {"nik": "9973014203010007"},
    "not a birth date": {"nik": "3273019913010007"},
    "birth date disagrees": {"birth_date": "2001-03-03"},
    "gender disagrees": {"gender": "M"},
    "both disagree": {"birth_date": "1999-03-02", "gender": "M"},
}


@pytest.mark.parametrize("case", list(BAD_PEOPLE))
def test_a_bad_person_is_refused_with_the_apis_messages_and_nothing_stored(
    client, api, blkk_a, manager_a, case
):
    data = new_person(**BAD_PEOPLE[case])
    response = signed_in(client, manager_a).post(page("trainee-create", blkk_a), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    expected = the_apis_errors(api, manager_a, data)
    assert {name: errors[name] for name in expected} == expected
    assert set(errors) == set(expected)
    assert not Trainee.objects.exists()


def test_the_nik_is_checked_even_when_other_fields_are_missing(
    client, blkk_a, manager_a
):
    data = new_person(gender="M", full_name="", education="")
    response = signed_in(client, manager_a).post(page("trainee-create", blkk_a), data)
    assert set(response.context["form"].errors) == {"gender", "full_name", "education"}
    assert not Trainee.objects.exists()


def test_a_person_registered_at_another_blkk_is_not_named_and_not_registered_again(
    client, api, blkk_a, manager_a, person_b
):
    data = new_person(nik=person_b.nik, full_name="Siapa Saja", birth_date="1998-05-17")
    response = signed_in(client, manager_a).post(page("trainee-create", blkk_a), data)
    assert response.status_code == 200
    assert response.context["form"].errors["nik"] == [
        in_indonesian(NIK_REGISTERED_ELSEWHERE)
    ]
    content = text(response)
    for secret in [person_b.full_name, person_b.blkk.name, person_b.phone]:
        assert secret not in content
    assert Trainee.objects.get(nik=person_b.nik) == person_b
    assert Trainee.objects.count() == 1


def test_a_person_already_on_this_blkks_list_is_linked_to(
    client, blkk_a, manager_a, person_b_enrolled_at_a
):
    data = new_person(
        nik=person_b_enrolled_at_a.nik, birth_date="1990-08-11", gender="M"
    )
    response = signed_in(client, manager_a).post(page("trainee-create", blkk_a), data)
    assert response.context["form"].errors["nik"] == [in_indonesian(NIK_ON_THIS_LIST)]
    assert page("trainee-detail", blkk_a, person_b_enrolled_at_a.pk) in text(response)
    assert Trainee.objects.count() == 1


def test_the_same_nik_registered_at_the_same_moment_is_a_message_not_an_error(
    client, blkk_a, blkk_b, manager_a
):
    """Another BLKK registers the person between the page's check and its INSERT:
    the unique index refuses the second, and the page says why."""
    TraineeFactory(nik=NEW_NIK, blkk=blkk_b, birth_date=BIRTH)

    def unique_index_refuses(**fields):
        raise IntegrityError("duplicate key value violates unique constraint")

    signed_in(client, manager_a)
    with (
        mock.patch("training.views.trainees.nik_taken", return_value=None),
        mock.patch("training.services.trainee_register", unique_index_refuses),
    ):
        response = client.post(page("trainee-create", blkk_a), new_person())
    assert response.status_code == 200
    assert response.context["form"].errors["nik"] == [
        in_indonesian(NIK_REGISTERED_ELSEWHERE)
    ]
    assert Trainee.objects.count() == 1


def test_a_form_posted_after_the_session_ended_comes_back_filled_in(
    client, blkk_a, manager_a
):
    path = page("trainee-create", blkk_a)
    signed_in(client, manager_a)
    session = client.session
    session[KEPT_FORMS] = {
        path: {"owner": str(manager_a.pk), "fields": {"full_name": ["Ayu Kept"]}}
    }
    session.save()
    response = client.get(path)
    assert response.context["form"]["full_name"].value() == "Ayu Kept"
    assert not Trainee.objects.exists()


# --- checked as you type --------------------------------------------------------------


def check(client, blkk, data: dict, trainee=None):
    path = page("trainee-check", blkk)
    if trainee is not None:
        path = f"{path}?trainee={trainee.pk}"
    response = client.post(path, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return text(response)


def fragment(content: str, field: str) -> str:
    """The fragment htmx swaps in for `field` (by its id)."""
    start = content.index(f'id="id_{field}_check"')
    return content[start : content.index("</div>", start)]


@pytest.mark.parametrize("case", list(BAD_PEOPLE))
def test_the_check_as_you_type_gives_the_apis_messages(
    client, api, blkk_a, manager_a, case
):
    data = new_person(**BAD_PEOPLE[case])
    content = check(signed_in(client, manager_a), blkk_a, data)
    expected = the_apis_errors(api, manager_a, data)
    for field in ["nik", "birth_date", "gender"]:
        part = fragment(content, field)
        assert 'hx-swap-oob="innerHTML"' in part
        for message in expected.get(field, []):
            assert f"<li>{message}" in part, (field, part)
        if field not in expected:
            assert "errorlist" not in part, (field, part)


def test_a_good_nik_birth_date_and_gender_clear_their_messages(
    client, blkk_a, manager_a
):
    content = check(signed_in(client, manager_a), blkk_a, new_person())
    for field in ["nik", "birth_date", "gender"]:
        assert "errorlist" not in fragment(content, field)


def test_a_field_not_yet_typed_gets_no_message(client, blkk_a, manager_a):
    content = check(
        signed_in(client, manager_a),
        blkk_a,
        {"nik": "", "birth_date": "", "gender": ""},
    )
    for field in ["nik", "birth_date", "gender"]:
        assert "errorlist" not in fragment(content, field)


def test_the_check_as_you_type_does_not_tell_whether_a_nik_is_registered_elsewhere(
    client, blkk_a, manager_a, person_b
):
    # Submitting says it (as the API does); the free check would be an oracle.
    content = check(signed_in(client, manager_a), blkk_a, {"nik": person_b.nik})
    assert "errorlist" not in fragment(content, "nik")
    assert in_indonesian(NIK_REGISTERED_ELSEWHERE) not in content
    assert person_b.full_name not in content


def test_the_check_of_a_change_uses_the_stored_nik(client, blkk_a, manager_a, person_a):
    content = check(
        signed_in(client, manager_a), blkk_a, {"gender": "M"}, trainee=person_a
    )
    assert "errorlist" in fragment(content, "gender")
    assert 'id="id_nik_check"' not in content


def test_the_check_of_another_blkks_person_is_not_found(
    client, blkk_a, manager_a, person_b
):
    signed_in(client, manager_a)
    for query in [f"?trainee={person_b.pk}", "?trainee=x", "?trainee=\u0661"]:
        response = client.post(page("trainee-check", blkk_a) + query, {"gender": "M"})
        assert response.status_code == 404


def test_the_check_only_answers_a_post(client, blkk_a, manager_a):
    response = signed_in(client, manager_a).get(page("trainee-check", blkk_a))
    assert response.status_code == 405


def test_the_form_asks_for_the_check_as_you_type(client, blkk_a, manager_a):
    content = text(signed_in(client, manager_a).get(page("trainee-create", blkk_a)))
    check_url = page("trainee-check", blkk_a)
    assert content.count(f'hx-post="{check_url}"') == 4  # NIK, birth date, 2 genders
    assert 'hx-trigger="change, keyup changed delay:500ms"' in content
    for field in ["nik", "birth_date", "gender"]:
        assert f'id="id_{field}_check"' in content


# --- changing a person ----------------------------------------------------------------


def test_manager_changes_their_persons_record_but_not_the_nik(
    client, blkk_a, manager_a, person_a
):
    signed_in(client, manager_a)
    form = client.get(page("trainee-update", blkk_a, person_a.pk))
    assert "nik" not in form.context["form"].fields
    assert person_a.nik in text(form)
    data = {
        **new_person(),
        "nik": "3201014505980001",
        "full_name": "Ayu Lestari Putri",
        "birth_date": "1998-05-17",
        "regency": "32.04",
        "phone": "081300000000",
    }
    response = client.post(page("trainee-update", blkk_a, person_a.pk), data)
    assert response.status_code == 303
    assert response["Location"] == page("trainee-detail", blkk_a, person_a.pk)
    nik = person_a.nik
    person_a.refresh_from_db()
    assert (person_a.full_name, person_a.regency_id, person_a.phone, person_a.nik) == (
        "Ayu Lestari Putri",
        "32.04",
        "081300000000",
        nik,
    )


def test_a_change_that_disagrees_with_the_nik_is_refused_and_nothing_changes(
    client, blkk_a, manager_a, person_a
):
    data = {**new_person(), "birth_date": "1998-05-18", "full_name": "Renamed"}
    response = signed_in(client, manager_a).post(
        page("trainee-update", blkk_a, person_a.pk), data
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"birth_date"}
    person_a.refresh_from_db()
    assert person_a.full_name == "Ayu Lestari"


def test_a_change_the_service_refuses_after_writing_leaves_nothing_written(
    client, blkk_a, manager_a, person_a
):
    """The service runs in a savepoint: a refusal after a write undoes the write."""
    from training import services

    real = services.trainee_update

    def refused_after_writing(**kwargs):
        real(**kwargs)
        raise ValidationError({"phone": "Refused after writing."})

    data = {**new_person(), "birth_date": "1998-05-17", "full_name": "Renamed"}
    signed_in(client, manager_a)
    with mock.patch("training.services.trainee_update", refused_after_writing):
        response = client.post(page("trainee-update", blkk_a, person_a.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["Refused after writing."]
    person_a.refresh_from_db()
    assert person_a.full_name == "Ayu Lestari"


def test_an_enrolling_blkk_changes_only_the_phone(
    client, blkk_a, manager_a, person_b_enrolled_at_a
):
    path = page("trainee-update", blkk_a, person_b_enrolled_at_a.pk)
    signed_in(client, manager_a)
    form = client.get(path)
    assert list(form.context["form"].fields) == ["phone"]
    response = client.post(
        path, {**new_person(), "full_name": "Renamed", "phone": "081355555555"}
    )
    assert response.status_code == 303
    person_b_enrolled_at_a.refresh_from_db()
    assert person_b_enrolled_at_a.full_name == "Budi Santoso"
    assert person_b_enrolled_at_a.phone == "081355555555"


def test_a_bad_phone_is_refused_with_the_apis_message(
    client, api, blkk_a, manager_a, person_b_enrolled_at_a
):
    path = page("trainee-update", blkk_a, person_b_enrolled_at_a.pk)
    response = signed_in(client, manager_a).post(path, {"phone": "12345"})
    answer = api(manager_a).patch(
        api_url("trainees", person_b_enrolled_at_a.pk),
        {"phone": "12345"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert answer.status_code == 400
    assert response.context["form"].errors["phone"] == answer.json()["phone"]
    person_b_enrolled_at_a.refresh_from_db()
    assert person_b_enrolled_at_a.phone == "081298765432"


def test_the_service_refuses_an_enrolling_blkk_anything_but_the_phone(
    client, blkk_a, manager_a, person_b_enrolled_at_a
):
    """Should the page ever offer more, the service still refuses it, and its
    message lands on the form."""
    from training.forms import TraineeUpdateForm

    path = page("trainee-update", blkk_a, person_b_enrolled_at_a.pk)
    signed_in(client, manager_a)
    with mock.patch("training.views.trainees.TraineePhoneForm", TraineeUpdateForm):
        response = client.post(
            path,
            {
                **new_person(),
                "full_name": "Renamed",
                "birth_date": "1990-08-11",
                "gender": "M",
            },
        )
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == [
        in_indonesian(
            "This person was registered by another BLKK: here you may change only "
            "their phone number."
        )
    ]
    person_b_enrolled_at_a.refresh_from_db()
    assert person_b_enrolled_at_a.full_name == "Budi Santoso"


# --- the strict Content-Security-Policy ----------------------------------------------


def test_the_pages_need_no_inline_script_or_style(client, blkk_a, manager_a, person_a):
    signed_in(client, manager_a)
    responses = [
        client.get(page("trainee-list", blkk_a)),
        client.get(page("trainee-create", blkk_a)),
        client.post(page("trainee-create", blkk_a), new_person(gender="M")),
        client.get(page("trainee-detail", blkk_a, person_a.pk)),
        client.get(page("trainee-update", blkk_a, person_a.pk)),
        client.post(page("trainee-check", blkk_a), new_person(gender="M")),
        client.get(reverse("blkk-contact", args=[blkk_a.code])),
    ]
    for response in responses:
        assert response.status_code == 200
        assert_strict_policy(response)
        assert inline_scripts(response) == []
        assert "style=" not in response.content.decode()


def test_the_whole_nik_on_an_enrolling_blkks_change_page_is_audited(
    client, blkk_a, manager_a, person_a, person_b_enrolled_at_a
):
    signed_in(client, manager_a)
    client.get(page("trainee-update", blkk_a, person_a.pk))
    assert not PersonalDataEvent.objects.exists()
    response = client.get(page("trainee-update", blkk_a, person_b_enrolled_at_a.pk))
    assert person_b_enrolled_at_a.nik in text(response)
    assert PersonalDataEvent.objects.get().record_id == person_b_enrolled_at_a.pk
