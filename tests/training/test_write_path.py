"""One write path: the rules of trainees, enrollments and BLKKs hold at every door.

Each rule that once lived in an API serializer (a person's NIK and an enrollment's
person are fixed; a manager changes only their BLKK's contact details) is now in the
service, and is refused with the same message through the admin and the API.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.admin_forms import EN, admin_url, form_errors, post_change
from tests.fields import fields_of
from training import services
from training.models import Blkk, Enrollment, Trainee, TrainingBatch

from .factories import (
    BlkkFactory,
    EnrollmentFactory,
    TraineeFactory,
    regency,
)

NIK_FIXED = "A person's NIK cannot be changed here."
PERSON_FIXED = "The person of an enrollment cannot be changed."
MINISTRY_ONLY = "Only ministry staff can change this field."
GRADE_BY_ASSESSMENT = (
    "A BLKK's grade changes only through a grade assessment: record an assessment "
    "with the new grade instead."
)

# Messages are read in English (services and admin): the `english` fixture.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- a person's NIK -------------------------------------------------------------------


def test_the_admin_shows_a_persons_nik_read_only(admin_client_for, world):
    trainee = world.objects[Trainee]["a"]
    page = admin_client_for("manager_a").get(admin_url(Trainee, "change", trainee.pk))
    assert "nik" not in page.context["adminform"].form.fields
    assert trainee.nik in page.content.decode()


def test_a_nik_posted_to_the_admin_anyway_is_refused(admin_client_for, world):
    trainee = world.objects[Trainee]["a"]
    other_nik = trainee.nik[:12] + "0777"

    response = post_change(
        admin_client_for("manager_a"), trainee, nik=other_nik, full_name="Baru"
    )

    assert response.status_code == 200
    assert form_errors(response) == {"__all__": [NIK_FIXED]}
    trainee.refresh_from_db()
    assert (trainee.nik, trainee.full_name) != (other_nik, "Baru")
    assert trainee.full_name == "Peserta A"


def test_the_api_refuses_a_change_of_nik(world, api):
    trainee = world.objects[Trainee]["a"]
    response = api(world.users["manager_a"]).patch(
        f"/api/v1/trainees/{trainee.pk}/",
        {"nik": trainee.nik[:12] + "0777"},
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json() == {"nik": [NIK_FIXED]}
    assert Trainee.objects.get(pk=trainee.pk).nik == trainee.nik


def test_a_trainee_update_through_the_api_does_not_register_anyone(world, api):
    trainee = world.objects[Trainee]["a"]
    with (
        mock.patch.object(
            services, "trainee_register", wraps=services.trainee_register
        ) as register,
        mock.patch.object(
            services, "trainee_update", wraps=services.trainee_update
        ) as update,
    ):
        response = api(world.users["manager_a"]).patch(
            f"/api/v1/trainees/{trainee.pk}/", {"phone": "081311112222"}, format="json"
        )
    assert response.status_code == 200, response.content
    register.assert_not_called()
    update.assert_called_once()
    assert Trainee.objects.get(pk=trainee.pk).phone == "081311112222"


def test_a_trainee_update_in_the_admin_does_not_register_anyone(
    admin_client_for, world
):
    trainee = world.objects[Trainee]["a"]
    client = admin_client_for("manager_a")
    with (
        mock.patch.object(
            services, "trainee_register", wraps=services.trainee_register
        ) as register,
        mock.patch.object(
            services, "trainee_update", wraps=services.trainee_update
        ) as update,
    ):
        response = post_change(client, trainee, phone="081311113333")
    assert response.status_code == 302, form_errors(response)
    register.assert_not_called()
    # Once to validate the form (rolled back), once to save.
    assert update.call_count == 2
    assert Trainee.objects.get(pk=trainee.pk).phone == "081311113333"


def test_trainee_update_saves_only_the_changed_fields():
    trainee = TraineeFactory()
    with mock.patch.object(Trainee, "save", autospec=True) as save:
        services.trainee_update(trainee=trainee, phone="081311114444", by=None)
    save.assert_called_once_with(trainee, update_fields=["phone"])


def test_trainee_update_refuses_a_new_nik_and_changes_nothing():
    trainee = TraineeFactory()
    with pytest.raises(ValidationError) as caught:
        services.trainee_update(
            trainee=trainee,
            nik=trainee.nik[:12] + "0777",
            full_name="Orang Lain",
            by=None,
        )
    assert caught.value.message_dict == {"nik": [NIK_FIXED]}
    assert caught.value.error_dict["nik"][0].code == "fixed"
    stored = Trainee.objects.get(pk=trainee.pk)
    assert (stored.nik, stored.full_name) == (trainee.nik, trainee.full_name)


def test_trainee_update_accepts_the_same_nik_given_again():
    trainee = TraineeFactory()
    services.trainee_update(trainee=trainee, nik=trainee.nik, phone="", by=None)
    assert Trainee.objects.get(pk=trainee.pk).phone == ""


def test_trainee_update_still_validates_the_record():
    trainee = TraineeFactory()
    with pytest.raises(ValidationError) as caught:
        services.trainee_update(trainee=trainee, phone="12", by=None)
    assert set(caught.value.message_dict) == {"phone"}


def test_trainee_register_takes_the_persons_fields_as_keywords():
    blkk = BlkkFactory()
    trainee = services.trainee_register(
        **fields_of(TraineeFactory.build(blkk=blkk)), by=None
    )
    assert Trainee.objects.get(pk=trainee.pk).blkk == blkk


def test_trainee_erase_removes_the_person_and_their_records():
    enrollment = EnrollmentFactory()
    services.trainee_erase(trainee=enrollment.trainee, by=None)
    assert not Trainee.objects.filter(pk=enrollment.trainee_id).exists()
    assert not Enrollment.objects.filter(pk=enrollment.pk).exists()


# --- an enrollment's person -----------------------------------------------------------


def test_the_admin_shows_an_enrollments_person_read_only(admin_client_for, world):
    enrollment = world.objects[Enrollment]["a"]
    page = admin_client_for("manager_a").get(
        admin_url(Enrollment, "change", enrollment.pk)
    )
    assert "trainee" not in page.context["adminform"].form.fields


def test_a_person_posted_to_the_enrollment_admin_anyway_is_refused(
    admin_client_for, world
):
    enrollment = world.objects[Enrollment]["a"]
    someone_else = TraineeFactory(blkk=enrollment.batch.blkk)

    response = post_change(
        admin_client_for("manager_a"), enrollment, trainee=someone_else.pk
    )

    assert response.status_code == 200
    assert form_errors(response) == {"__all__": [PERSON_FIXED]}
    assert Enrollment.objects.get(pk=enrollment.pk).trainee_id == enrollment.trainee_id


def test_the_api_refuses_a_change_of_an_enrollments_person(world, api):
    enrollment = world.objects[Enrollment]["a"]
    someone_else = TraineeFactory(blkk=enrollment.batch.blkk)
    response = api(world.users["manager_a"]).patch(
        f"/api/v1/enrollments/{enrollment.pk}/",
        {"trainee": someone_else.pk},
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json() == {"trainee": [PERSON_FIXED]}
    assert Enrollment.objects.get(pk=enrollment.pk).trainee_id == enrollment.trainee_id


def test_the_api_refuses_a_nik_naming_a_person_on_update(world, api):
    enrollment = world.objects[Enrollment]["a"]
    response = api(world.users["manager_a"]).patch(
        f"/api/v1/enrollments/{enrollment.pk}/",
        {"trainee_nik": world.objects[Trainee]["b"].nik},
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json() == {"trainee": [PERSON_FIXED]}


def test_enrollment_update_refuses_another_person():
    enrollment = EnrollmentFactory()
    someone_else = TraineeFactory(blkk=enrollment.batch.blkk)
    with pytest.raises(ValidationError) as caught:
        services.enrollment_update(
            enrollment=enrollment, trainee=someone_else, status="active", by=None
        )
    assert caught.value.message_dict == {"trainee": [PERSON_FIXED]}
    stored = Enrollment.objects.get(pk=enrollment.pk)
    assert (stored.trainee_id, stored.status) == (enrollment.trainee_id, "registered")


def test_enrollment_update_changes_the_status():
    enrollment = EnrollmentFactory()
    services.enrollment_update(
        enrollment=enrollment,
        trainee=enrollment.trainee,
        status="completed",
        completed_on=enrollment.batch.end_date,
        by=None,
    )
    assert Enrollment.objects.get(pk=enrollment.pk).status == "completed"


def test_an_update_service_refuses_a_name_that_is_no_field():
    enrollment = EnrollmentFactory()
    with pytest.raises(TypeError):
        services.enrollment_update(enrollment=enrollment, person="x", by=None)


def test_admin_delete_of_an_enrollment_goes_through_its_service(
    admin_client_for, world
):
    enrollment = world.objects[Enrollment]["a"]
    with mock.patch.object(
        services, "enrollment_delete", wraps=services.enrollment_delete
    ) as delete:
        response = admin_client_for("ministry").post(
            admin_url(Enrollment, "delete", enrollment.pk), {"post": "yes"}
        )
    assert response.status_code == 302
    delete.assert_called_once()
    assert isinstance(delete.call_args.kwargs["enrollment"], Enrollment)
    assert delete.call_args.kwargs["by"] == world.users["ministry"]
    assert not Enrollment.objects.filter(pk=enrollment.pk).exists()


def test_admin_bulk_delete_of_enrollments_goes_through_the_service(
    admin_client_for, world
):
    both = [world.objects[Enrollment][side].pk for side in "ab"]
    with mock.patch.object(
        services, "enrollment_delete", wraps=services.enrollment_delete
    ) as delete:
        response = admin_client_for("ministry").post(
            admin_url(Enrollment, "changelist"),
            {"action": "delete_selected", "_selected_action": both, "post": "yes"},
        )
    assert response.status_code == 302
    assert delete.call_count == 2
    assert not Enrollment.objects.filter(pk__in=both).exists()


def test_the_api_deletes_an_enrollment_through_its_service(world, api):
    enrollment = world.objects[Enrollment]["a"]
    with mock.patch.object(
        services, "enrollment_delete", wraps=services.enrollment_delete
    ) as delete:
        response = api(world.users["manager_a"]).delete(
            f"/api/v1/enrollments/{enrollment.pk}/"
        )
    assert response.status_code == 204
    delete.assert_called_once()


def test_a_full_batch_is_refused_on_the_admin_form_through_the_service(
    admin_client_for, world
):
    batch = world.objects[TrainingBatch]["a"]
    TrainingBatch.objects.filter(pk=batch.pk).update(capacity=1)
    dropout = EnrollmentFactory(batch=batch, dropped=True)
    response = post_change(admin_client_for("manager_a"), dropout, status="active")
    assert response.status_code == 200
    assert form_errors(response) == {"batch": ["This batch is full (1 place)."]}
    assert Enrollment.objects.get(pk=dropout.pk).status == "dropped"


# --- a BLKK: managers change only its contact details ---------------------------------


def test_a_grade_posted_by_a_manager_to_the_admin_is_refused(admin_client_for, world):
    blkk = world.objects[Blkk]["a"]

    response = post_change(
        admin_client_for("manager_a"), blkk, address="Jl. Baru 1", grade="mandiri"
    )

    assert response.status_code == 200
    assert form_errors(response) == {"__all__": [GRADE_BY_ASSESSMENT]}
    blkk.refresh_from_db()
    assert (blkk.grade, blkk.address) == ("tumbuh", "")


def test_a_manager_changes_the_contact_details_in_the_admin(admin_client_for, world):
    blkk = world.objects[Blkk]["a"]
    response = post_change(admin_client_for("manager_a"), blkk, address="Jl. Baru 1")
    assert response.status_code == 302, form_errors(response)
    assert Blkk.objects.get(pk=blkk.pk).address == "Jl. Baru 1"


def test_the_api_refuses_a_grade_change_by_a_manager(world, api):
    blkk = world.objects[Blkk]["a"]
    response = api(world.users["manager_a"]).patch(
        f"/api/v1/blkks/{blkk.pk}/",
        {"grade": "mandiri", "address": "Jl. Baru 1"},
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json() == {"grade": [GRADE_BY_ASSESSMENT]}
    blkk.refresh_from_db()
    assert (blkk.grade, blkk.address) == ("tumbuh", "")


def test_blkk_update_lets_a_manager_change_contact_details(manager_a, blkk_a):
    services.blkk_update(blkk=blkk_a, phone="081322223333", by=manager_a)
    assert Blkk.objects.get(pk=blkk_a.pk).phone == "081322223333"


def test_blkk_update_refuses_a_manager_anything_else(manager_a, blkk_a):
    with pytest.raises(ValidationError) as caught:
        services.blkk_update(
            blkk=blkk_a,
            grade="mandiri",
            is_active=False,
            vocational_fields=[],
            phone="081322223333",
            by=manager_a,
        )
    assert caught.value.message_dict == {
        "grade": [GRADE_BY_ASSESSMENT],
        "is_active": [MINISTRY_ONLY],
        "vocational_fields": [MINISTRY_ONLY],
    }
    stored = Blkk.objects.get(pk=blkk_a.pk)
    assert (stored.grade, stored.is_active, stored.phone) == (
        blkk_a.grade,
        True,
        blkk_a.phone,
    )


def test_blkk_update_accepts_unchanged_values_from_a_manager(manager_a, blkk_a):
    services.blkk_update(blkk=blkk_a, grade=blkk_a.grade, phone="", by=manager_a)
    assert Blkk.objects.get(pk=blkk_a.pk).phone == ""


def test_blkk_update_refuses_ministry_staff_a_grade_change_too(ministry_user, blkk_a):
    # The grade moves only by a grade assessment (tests/training/test_blkk_grade.py).
    with pytest.raises(ValidationError) as caught:
        services.blkk_update(blkk=blkk_a, grade="mandiri", by=ministry_user)
    assert caught.value.message_dict == {"grade": [GRADE_BY_ASSESSMENT]}
    assert Blkk.objects.get(pk=blkk_a.pk).grade == "tumbuh"


def test_only_ministry_staff_register_or_remove_a_blkk(manager_a, ministry_user, db):
    fields = fields_of(BlkkFactory.build(regency=regency("32.73")))
    with pytest.raises(PermissionDenied):
        services.blkk_create(**fields, by=manager_a)
    assert not Blkk.objects.filter(code=fields["code"]).exists()
    blkk = services.blkk_create(**fields, by=ministry_user)
    with pytest.raises(PermissionDenied):
        services.blkk_delete(blkk=blkk, by=manager_a)
    services.blkk_delete(blkk=blkk, by=ministry_user)
    assert not Blkk.objects.filter(code=fields["code"]).exists()
