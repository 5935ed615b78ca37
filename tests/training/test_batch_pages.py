"""The batch pages under `/blkk/CODE/batches/`: list, open, change, enroll (from
the list or by exact NIK) and change many enrollments at once, for every role."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.validators import MinValueValidator
from django.urls import reverse
from django.utils import timezone, translation

from blkk_portal.audit.models import AuditAction, PersonalDataEvent
from tests.personas import PASSWORD
from tests.test_content_policy import inline_scripts
from tests.training.factories import (
    EnrollmentFactory,
    TraineeFactory,
    TrainingBatchFactory,
    regency,
)
from training.models import Enrollment, Trainee, TrainingBatch
from training.selectors import NO_PERSON_WITH_NIK

START = datetime.date(2026, 2, 2)


@pytest.fixture
def batch_a(blkk_a):
    return TrainingBatchFactory(
        blkk=blkk_a,
        name="Menjahit Angkatan 1",
        start_date=START,
        end_date=START + datetime.timedelta(days=30),
        capacity=3,
    )


@pytest.fixture
def batch_b(blkk_b):
    return TrainingBatchFactory(blkk=blkk_b, name="Las Angkatan 1", start_date=START)


def url(name: str, blkk, *args) -> str:
    return reverse(name, args=[blkk.code, *args])


def signed_in(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def in_indonesian(message) -> str:
    """`message` (lazy, or a function that makes it) as the pages show it."""
    with translation.override("id"):
        return str(message() if callable(message) else message)


# --- who opens which page -------------------------------------------------------------

READ_PAGES = ["batch-list", "batch-detail"]
WRITE_PAGES = ["batch-create", "batch-update", "batch-enroll"]


def page_url(name: str, blkk, batch) -> str:
    if name in ("batch-list", "batch-create"):
        return url(name, blkk)
    return url(name, blkk, batch.pk)


@pytest.mark.parametrize("name", READ_PAGES + WRITE_PAGES)
def test_every_batch_page_requires_sign_in(client, batch_a, name):
    response = client.get(page_url(name, batch_a.blkk, batch_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", READ_PAGES + WRITE_PAGES)
def test_manager_opens_every_batch_page_of_their_blkk(client, manager_a, batch_a, name):
    response = signed_in(client, manager_a).get(page_url(name, batch_a.blkk, batch_a))
    assert response.status_code == 200
    assert inline_scripts(response) == []
    assert " style=" not in text(response)


@pytest.mark.parametrize("name", READ_PAGES + WRITE_PAGES)
def test_mentor_finds_no_batch_page(client, mentor_a, batch_a, name):
    response = signed_in(client, mentor_a).get(page_url(name, batch_a.blkk, batch_a))
    assert response.status_code == 404


@pytest.mark.parametrize("name", READ_PAGES + WRITE_PAGES)
def test_manager_finds_no_page_of_another_blkk(client, manager_b, batch_a, name):
    response = signed_in(client, manager_b).get(page_url(name, batch_a.blkk, batch_a))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("manager_a", "batch-detail"),
        ("manager_a", "batch-update"),
        ("manager_a", "batch-enroll"),
        # Staff read this BLKK (its write pages are 403 whatever the batch).
        ("ministry_user", "batch-detail"),
        ("province_user", "batch-detail"),
    ],
)
def test_another_blkks_batch_is_not_found_through_this_blkks_pages(
    client, request, batch_a, batch_b, name, persona
):
    user = request.getfixturevalue(persona)
    response = signed_in(client, user).get(url(name, batch_a.blkk, batch_b.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_staff_read_the_batches_without_a_way_to_write(
    client, request, batch_a, persona
):
    EnrollmentFactory(batch=batch_a)
    client = signed_in(client, request.getfixturevalue(persona))
    listed = client.get(url("batch-list", batch_a.blkk))
    shown = client.get(url("batch-detail", batch_a.blkk, batch_a.pk))
    assert listed.status_code == shown.status_code == 200
    assert batch_a.name in text(listed)
    assert url("batch-create", batch_a.blkk) not in text(listed)
    page = text(shown)
    assert url("batch-enroll", batch_a.blkk, batch_a.pk) not in page
    assert url("batch-update", batch_a.blkk, batch_a.pk) not in page
    assert 'name="enrollments"' not in page
    assert shown.context["form"] is None


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
@pytest.mark.parametrize("name", WRITE_PAGES)
def test_staff_may_not_open_the_write_pages(client, request, batch_a, persona, name):
    client = signed_in(client, request.getfixturevalue(persona))
    assert client.get(page_url(name, batch_a.blkk, batch_a)).status_code == 403
    assert client.post(page_url(name, batch_a.blkk, batch_a), {}).status_code == 403


@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_staff_may_not_change_enrollments(client, request, batch_a, persona):
    enrollment = EnrollmentFactory(batch=batch_a)
    response = signed_in(client, request.getfixturevalue(persona)).post(
        url("batch-detail", batch_a.blkk, batch_a.pk),
        {"enrollments": [enrollment.pk], "status": "dropped"},
    )
    assert response.status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REGISTERED


def test_province_staff_find_no_batch_of_another_province(
    client, province_user, batch_b
):
    response = signed_in(client, province_user).get(url("batch-list", batch_b.blkk))
    assert response.status_code == 404


# --- the list -------------------------------------------------------------------------


def test_the_list_shows_each_batch_with_its_places(client, manager_a, batch_a):
    EnrollmentFactory(batch=batch_a)
    EnrollmentFactory(batch=batch_a, completed=True)
    EnrollmentFactory(batch=batch_a, dropped=True)
    TrainingBatchFactory(name="Batch of another BLKK")
    response = signed_in(client, manager_a).get(url("batch-list", batch_a.blkk))
    (batch,) = response.context["page"].object_list
    assert (batch.places_taken, batch.graduates) == (2, 1)
    assert "Batch of another BLKK" not in text(response)
    assert url("batch-detail", batch_a.blkk, batch_a.pk) in text(response)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_the_same_queries_for_3_or_30_batches(
    client, manager_a, blkk_a, django_assert_max_num_queries, count
):
    for batch in TrainingBatchFactory.create_batch(count, blkk=blkk_a):
        EnrollmentFactory(batch=batch)
    client = signed_in(client, manager_a)
    with django_assert_max_num_queries(10):
        response = client.get(url("batch-list", blkk_a))
    assert len(response.context["page"].object_list) == min(count, 25)


# --- opening and changing a batch -----------------------------------------------------


def batch_fields(**changes) -> dict:
    return {
        "vocational_field": "menjahit",
        "name": "Tata Rias Angkatan 2",
        "start_date": "2026-03-02",
        "end_date": "2026-04-10",
        "capacity": "16",
        **changes,
    }


def test_a_manager_opens_a_batch(client, manager_a, blkk_a):
    response = signed_in(client, manager_a).post(
        url("batch-create", blkk_a), batch_fields()
    )
    batch = TrainingBatch.objects.get(name="Tata Rias Angkatan 2")
    assert response.status_code == 303
    assert response["Location"] == url("batch-detail", blkk_a, batch.pk)
    assert batch.blkk == blkk_a
    assert (batch.vocational_field.code, batch.capacity) == ("menjahit", 16)
    assert batch.end_date == datetime.date(2026, 4, 10)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"end_date": "2026-03-01"},
            "__all__",
            translation.gettext_lazy("The end date cannot be before the start date."),
        ),
        (
            {"capacity": "0"},
            "capacity",
            lambda: MinValueValidator.message % {"limit_value": 1},
        ),
        (
            {"capacity": "\u0661\u0666"},
            "capacity",
            translation.gettext_lazy("Enter a whole number."),
        ),
        ({"vocational_field": "nothing"}, "vocational_field", None),
        ({"name": ""}, "name", translation.gettext_lazy("This field is required.")),
    ],
)
def test_a_bad_batch_is_refused_with_the_services_message(
    client, manager_a, blkk_a, changes, field, message
):
    response = signed_in(client, manager_a).post(
        url("batch-create", blkk_a), batch_fields(**changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    if message is not None:
        assert errors == [in_indonesian(message)]
    assert not TrainingBatch.objects.filter(blkk=blkk_a).exists()


def test_a_second_batch_of_the_same_name_is_refused(client, manager_a, batch_a):
    response = signed_in(client, manager_a).post(
        url("batch-create", batch_a.blkk), batch_fields(name=batch_a.name)
    )
    assert response.status_code == 200
    expected = in_indonesian(
        translation.gettext_lazy("This BLKK already has a batch of that name.")
    )
    assert expected in text(response)
    assert TrainingBatch.objects.filter(blkk=batch_a.blkk).count() == 1


def test_a_manager_changes_a_batch(client, manager_a, batch_a):
    response = signed_in(client, manager_a).post(
        url("batch-update", batch_a.blkk, batch_a.pk),
        batch_fields(name="Menjahit Angkatan 1 (ulang)", capacity="20"),
    )
    assert response.status_code == 303
    batch_a.refresh_from_db()
    assert (batch_a.name, batch_a.capacity) == ("Menjahit Angkatan 1 (ulang)", 20)


def test_a_bad_change_stores_nothing(client, manager_a, batch_a):
    response = signed_in(client, manager_a).post(
        url("batch-update", batch_a.blkk, batch_a.pk),
        batch_fields(name=batch_a.name, start_date="2026-02-02", end_date="2026-01-01"),
    )
    assert response.status_code == 200
    batch_a.refresh_from_db()
    assert batch_a.end_date == START + datetime.timedelta(days=30)


def test_the_change_form_shows_the_batch_as_stored(client, manager_a, batch_a):
    response = signed_in(client, manager_a).get(
        url("batch-update", batch_a.blkk, batch_a.pk)
    )
    page = text(response)
    assert f'value="{batch_a.name}"' in page
    assert 'value="2026-02-02"' in page


# --- a batch's page -------------------------------------------------------------------


def test_the_batch_page_lists_its_people_and_places(client, manager_a, batch_a):
    ayu = EnrollmentFactory(batch=batch_a, trainee__full_name="Ayu Lestari")
    EnrollmentFactory(batch=batch_a, dropped=True, trainee__full_name="Budi")
    EnrollmentFactory(trainee__full_name="Someone Elsewhere")
    response = signed_in(client, manager_a).get(
        url("batch-detail", batch_a.blkk, batch_a.pk)
    )
    page = text(response)
    assert "Ayu Lestari" in page
    assert "Budi" in page
    assert "Someone Elsewhere" not in page
    # The manager of the person's BLKK sees the whole NIK, and the birth date.
    assert ayu.trainee.nik in page
    assert "17 Mei 1998" in page
    assert (response.context["places_taken"], response.context["places_free"]) == (
        1,
        2,
    )


def test_province_staff_see_the_niks_masked(client, province_user, batch_a):
    enrollment = EnrollmentFactory(batch=batch_a)
    page = text(
        signed_in(client, province_user).get(
            url("batch-detail", batch_a.blkk, batch_a.pk)
        )
    )
    nik = enrollment.trainee.nik
    assert nik not in page
    assert f"{nik[:4]}********{nik[-4:]}" in page


def test_a_whole_nik_of_another_blkks_person_shown_is_recorded(
    client, manager_a, batch_a, blkk_b
):
    EnrollmentFactory(batch=batch_a)  # registered here: not recorded
    signed_in(client, manager_a).get(url("batch-detail", batch_a.blkk, batch_a.pk))
    assert not PersonalDataEvent.objects.filter(
        action=AuditAction.FULL_NIK_VIEW
    ).exists()
    EnrollmentFactory(batch=batch_a, trainee=TraineeFactory(blkk=blkk_b))
    client.get(url("batch-detail", batch_a.blkk, batch_a.pk))
    event = PersonalDataEvent.objects.get(action=AuditAction.FULL_NIK_VIEW)
    assert event.rows == 1


@pytest.mark.parametrize("count", [3, 30])
def test_the_batch_page_takes_the_same_queries_for_3_or_30_people(
    client, manager_a, blkk_a, django_assert_max_num_queries, count
):
    batch = TrainingBatchFactory(blkk=blkk_a, capacity=40)
    EnrollmentFactory.create_batch(count, batch=batch)
    client = signed_in(client, manager_a)
    with django_assert_max_num_queries(12):
        response = client.get(url("batch-detail", blkk_a, batch.pk))
    assert len(response.context["enrollments"]) == count


# --- many enrollments at once ---------------------------------------------------------


def test_a_manager_completes_several_people_at_once(client, manager_a, batch_a):
    first, second, untouched = EnrollmentFactory.create_batch(
        3, batch=batch_a, active=True
    )
    response = signed_in(client, manager_a).post(
        url("batch-detail", batch_a.blkk, batch_a.pk),
        {
            "enrollments": [first.pk, second.pk],
            "status": "completed",
            "completed_on": "2026-03-04",
        },
    )
    assert response.status_code == 303
    for enrollment in (first, second):
        enrollment.refresh_from_db()
        assert enrollment.status == Enrollment.Status.COMPLETED
        assert enrollment.completed_on == datetime.date(2026, 3, 4)
    untouched.refresh_from_db()
    assert untouched.status == Enrollment.Status.ACTIVE
    assert untouched.history.count() == 1


def test_the_completion_date_is_today_unless_changed(client, manager_a, batch_a):
    EnrollmentFactory(batch=batch_a)
    response = signed_in(client, manager_a).get(
        url("batch-detail", batch_a.blkk, batch_a.pk)
    )
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in text(response)


def test_one_refusal_changes_none_and_says_which_and_why(client, manager_a, batch_a):
    # Three places, all held; making a dropped one active again would overfill
    # the batch, so the whole change is refused, the other one's too.
    held = EnrollmentFactory(batch=batch_a, trainee__full_name="Ayu Lestari")
    EnrollmentFactory.create_batch(2, batch=batch_a)
    dropped = EnrollmentFactory(
        batch=batch_a, dropped=True, trainee__full_name="Citra Dewi"
    )
    response = signed_in(client, manager_a).post(
        url("batch-detail", batch_a.blkk, batch_a.pk),
        {"enrollments": [held.pk, dropped.pk], "status": "active"},
    )
    assert response.status_code == 200
    held.refresh_from_db()
    dropped.refresh_from_db()
    assert held.status == Enrollment.Status.REGISTERED
    assert held.history.count() == 1
    assert dropped.status == Enrollment.Status.DROPPED
    (error,) = response.context["form"].non_field_errors()
    with translation.override("id"):
        full = translation.ngettext(
            "This batch is full (%(capacity)s place).",
            "This batch is full (%(capacity)s places).",
            3,
        ) % {"capacity": 3}
    assert error.startswith("Citra Dewi \u00b7 ")
    assert error.endswith(f": {full}")
    assert full in text(response)
    assert response.context["refused_ids"] == {dropped.pk}
    # What was ticked stays ticked.
    assert response.context["ticked"] == {str(held.pk), str(dropped.pk)}


def test_completing_needs_a_date(client, manager_a, batch_a):
    enrollment = EnrollmentFactory(batch=batch_a, active=True)
    response = signed_in(client, manager_a).post(
        url("batch-detail", batch_a.blkk, batch_a.pk),
        {"enrollments": [enrollment.pk], "status": "completed", "completed_on": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["completed_on"]
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


@pytest.mark.parametrize(
    ("completed_on", "message"),
    [
        (
            "2026-01-05",
            translation.gettext_lazy(
                "The completion date cannot be before the batch starts."
            ),
        ),
        ("2999-01-05", translation.gettext_lazy("This date cannot be in the future.")),
    ],
)
def test_a_refused_date_is_said_once_beside_it(
    client, manager_a, batch_a, completed_on, message
):
    ticked = EnrollmentFactory.create_batch(2, batch=batch_a, active=True)
    response = signed_in(client, manager_a).post(
        url("batch-detail", batch_a.blkk, batch_a.pk),
        {
            "enrollments": [enrollment.pk for enrollment in ticked],
            "status": "completed",
            "completed_on": completed_on,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["completed_on"] == [in_indonesian(message)]
    assert form.non_field_errors() == []
    assert in_indonesian(translation.gettext_lazy("Nothing was changed.")) in text(
        response
    )
    assert not Enrollment.objects.filter(status="completed").exists()


def test_dropping_clears_the_completion_date(client, manager_a, batch_a):
    enrollment = EnrollmentFactory(batch=batch_a, completed=True)
    response = signed_in(client, manager_a).post(
        url("batch-detail", batch_a.blkk, batch_a.pk),
        {
            "enrollments": [enrollment.pk],
            "status": "dropped",
            "completed_on": "2026-03-04",
        },
    )
    assert response.status_code == 303
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.completed_on) == ("dropped", None)


def test_an_enrollment_of_another_batch_cannot_be_ticked(
    client, manager_a, batch_a, batch_b
):
    mine = EnrollmentFactory(batch=batch_a, active=True)
    theirs = EnrollmentFactory(batch=batch_b, active=True)
    other_batch_here = EnrollmentFactory(
        batch=TrainingBatchFactory(blkk=batch_a.blkk), active=True
    )
    for foreign in (theirs, other_batch_here):
        response = signed_in(client, manager_a).post(
            url("batch-detail", batch_a.blkk, batch_a.pk),
            {"enrollments": [mine.pk, foreign.pk], "status": "dropped"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["enrollments"]
    assert not Enrollment.objects.filter(status="dropped").exists()


def test_nothing_ticked_is_refused(client, manager_a, batch_a):
    EnrollmentFactory(batch=batch_a)
    response = signed_in(client, manager_a).post(
        url("batch-detail", batch_a.blkk, batch_a.pk), {"status": "dropped"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["enrollments"]


# --- enrolling ------------------------------------------------------------------------


def test_a_manager_enrolls_a_person_of_their_blkk(client, manager_a, batch_a):
    person = TraineeFactory(blkk=batch_a.blkk)
    response = signed_in(client, manager_a).post(
        url("batch-enroll", batch_a.blkk, batch_a.pk),
        {"trainee": person.pk, "status": "active"},
    )
    assert response.status_code == 303
    assert response["Location"] == url("batch-detail", batch_a.blkk, batch_a.pk)
    enrollment = Enrollment.objects.get(batch=batch_a)
    assert (enrollment.trainee, enrollment.status) == (person, "active")


def test_the_list_offers_this_blkks_people_not_yet_in_the_batch(
    client, manager_a, batch_a, blkk_b
):
    free = TraineeFactory(blkk=batch_a.blkk, full_name="Free Person")
    inside = EnrollmentFactory(batch=batch_a, trainee__full_name="Inside Person")
    TraineeFactory(blkk=blkk_b, full_name="Person of B")
    response = signed_in(client, manager_a).get(
        url("batch-enroll", batch_a.blkk, batch_a.pk)
    )
    offered = [
        choice[0] for choice in response.context["form"].fields["trainee"].choices
    ]
    assert offered == ["", free.pk]
    page = text(response)
    assert "Free Person" in page
    assert "Inside Person" not in page
    assert "Person of B" not in page
    assert inside.trainee.nik not in page


def test_the_list_narrows_by_name(client, manager_a, batch_a):
    TraineeFactory(blkk=batch_a.blkk, full_name="Ayu Lestari")
    siti = TraineeFactory(blkk=batch_a.blkk, full_name="Siti Aminah")
    response = signed_in(client, manager_a).get(
        url("batch-enroll", batch_a.blkk, batch_a.pk), {"q": "siti"}
    )
    offered = [
        choice[0] for choice in response.context["form"].fields["trainee"].choices
    ]
    assert offered == ["", siti.pk]


def test_a_person_of_another_blkk_is_enrolled_by_exact_nik_and_then_seen_here(
    client, manager_a, batch_a, blkk_b
):
    person = TraineeFactory(blkk=blkk_b, regency=regency("35.78"))
    assert not Trainee.objects.visible_to(manager_a).filter(pk=person.pk).exists()
    client = signed_in(client, manager_a)
    response = client.post(
        url("batch-enroll", batch_a.blkk, batch_a.pk),
        {"trainee_nik": person.nik, "status": "registered"},
    )
    assert response.status_code == 303
    assert Enrollment.objects.get(batch=batch_a).trainee == person
    assert Trainee.objects.visible_to(manager_a).filter(pk=person.pk).exists()
    page = text(client.get(url("batch-detail", batch_a.blkk, batch_a.pk)))
    assert person.full_name in page
    assert person.nik in page


def test_a_nik_nobody_has_gets_the_apis_message_and_nothing_else(
    client, manager_a, batch_a, api
):
    nik = "3273014708990009"
    response = signed_in(client, manager_a).post(
        url("batch-enroll", batch_a.blkk, batch_a.pk),
        {"trainee_nik": nik, "status": "registered"},
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["trainee_nik"]
    assert error == in_indonesian(NO_PERSON_WITH_NIK)
    assert not Enrollment.objects.exists()
    # The API answers the same words, from the same look-up.
    answer = api(manager_a).post(
        "/api/v1/enrollments/",
        {"trainee_nik": nik, "batch": batch_a.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert answer.status_code == 400
    assert answer.json()["trainee_nik"] == [error]


def test_a_malformed_nik_is_refused(client, manager_a, batch_a):
    response = signed_in(client, manager_a).post(
        url("batch-enroll", batch_a.blkk, batch_a.pk),
        {"trainee_nik": "32730147", "status": "registered"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["trainee_nik"] == [
        in_indonesian(translation.gettext_lazy("NIK must be exactly 16 digits."))
    ]
    assert not Enrollment.objects.exists()


def test_someone_already_in_the_batch_is_refused(client, manager_a, batch_a, blkk_b):
    enrollment = EnrollmentFactory(batch=batch_a, trainee=TraineeFactory(blkk=blkk_b))
    client = signed_in(client, manager_a)
    for fields in (
        {"trainee_nik": enrollment.trainee.nik},
        {"trainee": enrollment.trainee.pk},
    ):
        response = client.post(
            url("batch-enroll", batch_a.blkk, batch_a.pk),
            {**fields, "status": "registered"},
        )
        assert response.status_code == 200
        assert in_indonesian(
            translation.gettext_lazy("This person is already enrolled in this batch.")
        ) in text(response)
    assert Enrollment.objects.count() == 1


def test_a_full_batch_is_refused_without_showing_who_the_nik_is(
    client, manager_a, batch_a, blkk_b
):
    EnrollmentFactory.create_batch(3, batch=batch_a)
    person = TraineeFactory(blkk=blkk_b, full_name="Rahasia Orang Lain")
    response = signed_in(client, manager_a).post(
        url("batch-enroll", batch_a.blkk, batch_a.pk),
        {"trainee_nik": person.nik, "status": "registered"},
    )
    assert response.status_code == 200
    page = text(response)
    with translation.override("id"):
        full = translation.ngettext(
            "This batch is full (%(capacity)s place).",
            "This batch is full (%(capacity)s places).",
            3,
        ) % {"capacity": 3}
    assert full in page
    assert "Rahasia Orang Lain" not in page
    assert not Enrollment.objects.filter(trainee=person).exists()


def test_a_full_batch_answers_full_whatever_the_nik(
    client, manager_a, batch_a, blkk_b, api
):
    # Else "full" for a registered NIK and "nobody has it" for another would tell
    # who is registered without anyone being enrolled: the page and the API alike.
    EnrollmentFactory.create_batch(3, batch=batch_a)
    registered = TraineeFactory(blkk=blkk_b).nik
    with translation.override("id"):
        full = translation.ngettext(
            "This batch is full (%(capacity)s place).",
            "This batch is full (%(capacity)s places).",
            3,
        ) % {"capacity": 3}
    client = signed_in(client, manager_a)
    for nik in (registered, "3273014708990009"):
        page = client.post(
            url("batch-enroll", batch_a.blkk, batch_a.pk),
            {"trainee_nik": nik, "status": "registered"},
        )
        assert page.context["form"].non_field_errors() == [full]
        assert "trainee_nik" not in page.context["form"].errors
        answer = api(manager_a).post(
            "/api/v1/enrollments/",
            {"trainee_nik": nik, "batch": batch_a.pk},
            format="json",
            HTTP_ACCEPT_LANGUAGE="id",
        )
        assert answer.json() == {"batch": [full]}
    assert Enrollment.objects.count() == 3


@pytest.mark.parametrize(
    ("fields", "field"),
    [({}, "trainee"), ({"trainee": "PERSON", "trainee_nik": "NIK"}, "trainee_nik")],
)
def test_a_person_is_chosen_or_typed_not_both(
    client, manager_a, batch_a, blkk_b, fields, field
):
    mine = TraineeFactory(blkk=batch_a.blkk)
    theirs = TraineeFactory(blkk=blkk_b)
    values = {"trainee": mine.pk, "trainee_nik": theirs.nik}
    posted = {name: values[name] for name in fields}
    response = signed_in(client, manager_a).post(
        url("batch-enroll", batch_a.blkk, batch_a.pk), {**posted, "status": "active"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Enrollment.objects.exists()


def test_a_person_this_blkk_does_not_reach_cannot_be_chosen_by_id(
    client, manager_a, batch_a, blkk_b
):
    theirs = TraineeFactory(blkk=blkk_b)
    response = signed_in(client, manager_a).post(
        url("batch-enroll", batch_a.blkk, batch_a.pk),
        {"trainee": theirs.pk, "status": "active"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["trainee"]
    assert not Enrollment.objects.exists()


def test_a_mentor_cannot_enroll(client, mentor_a, batch_a):
    person = TraineeFactory(blkk=batch_a.blkk)
    response = signed_in(client, mentor_a).post(
        url("batch-enroll", batch_a.blkk, batch_a.pk), {"trainee": person.pk}
    )
    assert response.status_code == 404
    assert not Enrollment.objects.exists()


def test_ticks_posted_after_the_session_ended_come_back_unsaved(
    client, manager_a, batch_a
):
    ticked = EnrollmentFactory(batch=batch_a, active=True)
    EnrollmentFactory(batch=batch_a, active=True)
    page = url("batch-detail", batch_a.blkk, batch_a.pk)
    start = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("login"), {"username": "manager_a", "password": PASSWORD})
        assert client.get(page).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        posted = {"enrollments": [ticked.pk], "status": "dropped"}
        assert client.post(page, posted).status_code == 302
        client.post(
            f"{reverse('login')}?next={page}",
            {"username": "manager_a", "password": PASSWORD, "next": page},
        )
        resumed = client.get(page)
    assert resumed.context["ticked"] == {str(ticked.pk)}
    assert f'value="{ticked.pk}" id="enrollment-{ticked.pk}" checked' in text(resumed)
    ticked.refresh_from_db()
    assert ticked.status == Enrollment.Status.ACTIVE
