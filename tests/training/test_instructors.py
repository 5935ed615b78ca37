"""Instructors and their qualifications: the services' rules and who may write, and
`instructors_certified_on`."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.admin_forms import admin_url, form_data, form_errors, post_change
from tests.training.factories import (
    BlkkFactory,
    InstructorFactory,
    InstructorQualificationFactory,
    trade,
)
from training import services
from training.models import Instructor, InstructorQualification
from training.selectors import instructors_certified_on

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 1)


def instructor_fields(blkk, **changes) -> dict:
    return {
        "blkk": blkk,
        "full_name": "Bambang Sutrisno",
        "gender": "M",
        "phone": "081311112222",
        "vocational_fields": [trade("menjahit"), trade("las")],
        "employment": "permanent",
        **changes,
    }


def qualification_fields(instructor, **changes) -> dict:
    return {
        "instructor": instructor,
        "kind": "competency",
        "title": "Penjahit Pakaian Wanita",
        "issuer": "BNSP",
        "number": "BNSP-001",
        "issued_on": DAY,
        "valid_until": datetime.date(2028, 5, 31),
        **changes,
    }


def english(error: ValidationError, field: str) -> list[str]:
    with translation.override("en"):
        return [str(message) for message in error.message_dict[field]]


# --- instructors ------------------------------------------------------------------


def test_a_manager_records_an_instructor_of_their_blkk(blkk_a, manager_a):
    instructor = services.instructor_create(**instructor_fields(blkk_a), by=manager_a)

    stored = Instructor.objects.get(pk=instructor.pk)
    assert stored.blkk == blkk_a
    assert stored.is_active is True
    assert {f.code for f in stored.vocational_fields.all()} == {"menjahit", "las"}
    assert stored.history.filter(history_type="+").exists()


def test_ministry_staff_and_commands_record_instructors_anywhere(
    blkk_a, blkk_b, ministry_user
):
    services.instructor_create(**instructor_fields(blkk_a), by=ministry_user)
    services.instructor_create(**instructor_fields(blkk_b), by=None)
    assert Instructor.objects.filter(blkk__in=[blkk_a, blkk_b]).count() == 2


def test_a_manager_cannot_record_an_instructor_of_another_blkk(blkk_b, manager_a):
    with pytest.raises(ValidationError) as caught:
        services.instructor_create(**instructor_fields(blkk_b), by=manager_a)

    assert english(caught.value, "blkk") == ["Choose one of the BLKKs you manage."]
    assert not Instructor.objects.exists()


@pytest.mark.parametrize("persona", ["province_user", "mentor_a"])
def test_read_only_roles_cannot_record_instructors(request, blkk_a, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.instructor_create(**instructor_fields(blkk_a), by=user)
    assert not Instructor.objects.exists()


def test_an_instructor_teaches_trades_only(blkk_a, manager_a):
    with pytest.raises(ValidationError) as caught:
        services.instructor_create(
            **instructor_fields(blkk_a, vocational_fields=["menjahit"]), by=manager_a
        )
    assert "vocational_fields" in caught.value.message_dict
    assert not Instructor.objects.exists()


def test_an_instructor_needs_known_choices_and_a_valid_phone(blkk_a, manager_a):
    with pytest.raises(ValidationError) as caught:
        services.instructor_create(
            **instructor_fields(
                blkk_a, gender="X", employment="intern", phone="12", full_name=""
            ),
            by=manager_a,
        )
    assert {"gender", "employment", "phone", "full_name"} <= set(
        caught.value.message_dict
    )


def test_a_manager_changes_their_instructor(blkk_a, manager_a):
    instructor = InstructorFactory(blkk=blkk_a)

    services.instructor_update(
        instructor=instructor,
        employment="permanent",
        is_active=False,
        vocational_fields=[trade("tik")],
        by=manager_a,
    )

    instructor.refresh_from_db()
    assert (instructor.employment, instructor.is_active) == ("permanent", False)
    assert [f.code for f in instructor.vocational_fields.all()] == ["tik"]


def test_changing_nothing_is_allowed(blkk_a, manager_a):
    instructor = InstructorFactory(blkk=blkk_a)
    versions = instructor.history.count()
    services.instructor_update(instructor=instructor, by=manager_a)
    assert instructor.history.count() == versions


def test_a_manager_of_two_blkks_moves_an_instructor_between_them(blkk_a, manager_a):
    other = BlkkFactory()
    other.managers.add(manager_a)
    instructor = InstructorFactory(blkk=blkk_a)

    services.instructor_update(instructor=instructor, blkk=other, by=manager_a)

    instructor.refresh_from_db()
    assert instructor.blkk == other


def test_a_manager_cannot_move_an_instructor_to_another_blkk(blkk_a, blkk_b, manager_a):
    instructor = InstructorFactory(blkk=blkk_a)

    with pytest.raises(ValidationError) as caught:
        services.instructor_update(instructor=instructor, blkk=blkk_b, by=manager_a)

    assert list(caught.value.message_dict) == ["blkk"]
    instructor.refresh_from_db()
    assert instructor.blkk == blkk_a


def test_a_manager_cannot_change_or_delete_another_blkks_instructor(blkk_b, manager_a):
    theirs = InstructorFactory(blkk=blkk_b, full_name="Budi Santoso")

    with pytest.raises(PermissionDenied):
        services.instructor_update(instructor=theirs, full_name="X", by=manager_a)
    with pytest.raises(PermissionDenied):
        services.instructor_delete(instructor=theirs, by=manager_a)

    theirs.refresh_from_db()
    assert theirs.full_name == "Budi Santoso"


def test_province_staff_cannot_change_or_delete_an_instructor(blkk_a, province_user):
    instructor = InstructorFactory(blkk=blkk_a, full_name="Budi Santoso")
    with pytest.raises(PermissionDenied):
        services.instructor_update(
            instructor=instructor, full_name="X", by=province_user
        )
    with pytest.raises(PermissionDenied):
        services.instructor_delete(instructor=instructor, by=province_user)
    assert Instructor.objects.get(pk=instructor.pk).full_name == "Budi Santoso"


def test_deleting_an_instructor_deletes_their_qualifications(blkk_a, manager_a):
    qualification = InstructorQualificationFactory(instructor__blkk=blkk_a)

    services.instructor_delete(instructor=qualification.instructor, by=manager_a)

    assert not Instructor.objects.exists()
    assert not InstructorQualification.objects.exists()


# --- qualifications ---------------------------------------------------------------


def test_a_manager_records_a_qualification_of_their_instructor(blkk_a, manager_a):
    instructor = InstructorFactory(blkk=blkk_a)

    qualification = services.qualification_create(
        **qualification_fields(instructor), by=manager_a
    )

    assert InstructorQualification.objects.get(pk=qualification.pk).instructor == (
        instructor
    )


def test_an_inactive_instructor_may_still_gain_a_qualification(blkk_a, manager_a):
    instructor = InstructorFactory(blkk=blkk_a, is_active=False)
    services.qualification_create(**qualification_fields(instructor), by=manager_a)
    assert instructor.qualifications.count() == 1


def test_a_qualification_may_have_no_end_and_no_number(blkk_a, manager_a):
    instructor = InstructorFactory(blkk=blkk_a)
    for title in ("Metodologi Pelatihan", "TOT Menjahit"):
        services.qualification_create(
            **qualification_fields(
                instructor, kind="methodology", title=title, number="", valid_until=None
            ),
            by=manager_a,
        )
    assert instructor.qualifications.filter(number="").count() == 2


def test_a_manager_cannot_record_a_qualification_of_another_blkks_instructor(
    blkk_b, manager_a
):
    theirs = InstructorFactory(blkk=blkk_b)

    with pytest.raises(ValidationError) as caught:
        services.qualification_create(**qualification_fields(theirs), by=manager_a)

    assert english(caught.value, "instructor") == [
        "Choose an instructor of a BLKK you manage."
    ]
    assert not InstructorQualification.objects.exists()


@pytest.mark.parametrize("persona", ["province_user", "mentor_a"])
def test_read_only_roles_cannot_record_qualifications(request, blkk_a, persona):
    instructor = InstructorFactory(blkk=blkk_a)
    with pytest.raises(PermissionDenied):
        services.qualification_create(
            **qualification_fields(instructor),
            by=request.getfixturevalue(persona),
        )
    assert not InstructorQualification.objects.exists()


def test_a_qualification_ends_on_or_after_its_issue_on_the_end_date_field(
    blkk_a, manager_a
):
    instructor = InstructorFactory(blkk=blkk_a)

    # A constraint's message is made in the language active when it is raised.
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.qualification_create(
            **qualification_fields(instructor, valid_until=DAY - datetime.timedelta(1)),
            by=manager_a,
        )

    assert english(caught.value, "valid_until") == [
        "The end date cannot be before the start date."
    ]
    assert "__all__" not in caught.value.message_dict
    # The same day is fine.
    services.qualification_create(
        **qualification_fields(instructor, valid_until=DAY), by=manager_a
    )


def test_an_issuer_gives_a_number_once_on_the_number_field(blkk_a, manager_a):
    InstructorQualificationFactory(issuer="BNSP", number="BNSP-001")
    instructor = InstructorFactory(blkk=blkk_a)

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.qualification_create(**qualification_fields(instructor), by=manager_a)

    assert english(caught.value, "number") == [
        "This issuer already issued a qualification with this number."
    ]
    assert "__all__" not in caught.value.message_dict
    # Another issuer may use the same number.
    services.qualification_create(
        **qualification_fields(instructor, issuer="LSP Garmen"), by=manager_a
    )


def test_changing_a_qualification_to_a_taken_number_is_refused_on_the_field(
    blkk_a, manager_a
):
    InstructorQualificationFactory(issuer="BNSP", number="BNSP-001")
    mine = InstructorQualificationFactory(
        instructor__blkk=blkk_a, issuer="BNSP", number="BNSP-002"
    )
    with pytest.raises(ValidationError) as caught:
        services.qualification_update(
            qualification=mine, number="BNSP-001", by=manager_a
        )
    assert list(caught.value.message_dict) == ["number"]
    mine.refresh_from_db()
    assert mine.number == "BNSP-002"


def test_a_qualification_is_not_issued_in_the_future(blkk_a, manager_a):
    instructor = InstructorFactory(blkk=blkk_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.qualification_create(
            **qualification_fields(instructor, issued_on=tomorrow, valid_until=None),
            by=manager_a,
        )
    assert "issued_on" in caught.value.message_dict


def test_a_qualifications_instructor_is_fixed(blkk_a, manager_a):
    mine = InstructorQualificationFactory(instructor__blkk=blkk_a)
    other = InstructorFactory(blkk=blkk_a)

    with pytest.raises(ValidationError) as caught:
        services.qualification_update(qualification=mine, instructor=other, by=None)

    assert english(caught.value, "instructor") == [
        "The instructor of a qualification cannot be changed."
    ]
    mine.refresh_from_db()
    assert mine.instructor != other


def test_a_manager_changes_and_deletes_their_qualification(blkk_a, manager_a):
    mine = InstructorQualificationFactory(instructor__blkk=blkk_a)

    services.qualification_update(qualification=mine, kind="tot", by=manager_a)
    assert InstructorQualification.objects.get(pk=mine.pk).kind == "tot"

    services.qualification_delete(qualification=mine, by=manager_a)
    assert not InstructorQualification.objects.exists()


@pytest.mark.parametrize("persona", ["manager_a", "province_user"])
def test_nobody_but_its_blkks_managers_changes_a_qualification(
    request, blkk_b, persona
):
    theirs = InstructorQualificationFactory(instructor__blkk=blkk_b, title="Asli")
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.qualification_update(qualification=theirs, title="X", by=user)
    with pytest.raises(PermissionDenied):
        services.qualification_delete(qualification=theirs, by=user)

    assert InstructorQualification.objects.get(pk=theirs.pk).title == "Asli"


# --- certified on a date ----------------------------------------------------------


def test_instructors_certified_on_a_day_hold_a_competency_valid_that_day():
    def holding(**fields):
        return InstructorQualificationFactory(**fields).instructor

    valid = holding(issued_on=DAY, valid_until=datetime.date(2026, 1, 1))
    open_ended = holding(issued_on=DAY, valid_until=None)
    ends_that_day = holding(issued_on=datetime.date(2024, 1, 1), valid_until=DAY)
    inactive = holding(instructor__is_active=False, valid_until=None)
    expired = holding(
        issued_on=datetime.date(2023, 1, 1), valid_until=datetime.date(2025, 5, 31)
    )
    issued_later = holding(issued_on=datetime.date(2025, 6, 2), valid_until=None)
    methodology_only = holding(kind="methodology", valid_until=None)
    tot_only = holding(kind="tot", valid_until=None)
    InstructorFactory()  # no qualification at all

    certified = set(instructors_certified_on(DAY))

    assert certified == {valid, open_ended, ends_that_day, inactive}
    assert not {expired, issued_later, methodology_only, tot_only} & certified


def test_instructors_certified_on_narrows_the_rows_it_is_given(blkk_a):
    mine = InstructorQualificationFactory(instructor__blkk=blkk_a).instructor
    InstructorQualificationFactory()  # another BLKK's, certified too

    rows = instructors_certified_on(DAY, instructors=blkk_a.instructors.all())

    assert list(rows) == [mine]


def test_two_valid_qualifications_count_an_instructor_once(blkk_a):
    instructor = InstructorFactory(blkk=blkk_a)
    InstructorQualificationFactory.create_batch(2, instructor=instructor)
    assert list(instructors_certified_on(DAY)) == [instructor]


# --- the admin --------------------------------------------------------------------


def test_the_admin_refuses_a_managers_instructor_at_another_blkk(
    client, english, blkk_a, blkk_b, manager_a
):
    client.force_login(manager_a)
    page = client.get(admin_url(Instructor, "add"))
    assert list(page.context["adminform"].form.fields["blkk"].queryset) == [blkk_a]

    response = client.post(
        admin_url(Instructor, "add"),
        form_data(
            page,
            blkk=blkk_b.pk,
            full_name="Instruktur Siluman",
            gender="M",
            employment="contract",
        ),
    )

    assert response.status_code == 200
    assert "blkk" in form_errors(response)
    assert not Instructor.objects.filter(full_name="Instruktur Siluman").exists()


def test_the_admin_records_an_instructor_through_the_service(client, blkk_a, manager_a):
    client.force_login(manager_a)
    page = client.get(admin_url(Instructor, "add"))
    response = client.post(
        admin_url(Instructor, "add"),
        form_data(
            page,
            blkk=blkk_a.pk,
            full_name="Bambang Sutrisno",
            gender="M",
            employment="volunteer",
            vocational_fields=[trade("las").pk],
            is_active="on",
        ),
    )
    assert response.status_code == 302, form_errors(response)
    instructor = Instructor.objects.get(full_name="Bambang Sutrisno")
    assert [f.code for f in instructor.vocational_fields.all()] == ["las"]


def test_the_admin_shows_a_qualifications_instructor_read_only_and_its_rules(
    client, english, blkk_a, manager_a
):
    InstructorQualificationFactory(issuer="BNSP", number="BNSP-001")
    mine = InstructorQualificationFactory(
        instructor__blkk=blkk_a, issuer="BNSP", number="BNSP-002"
    )
    client.force_login(manager_a)

    response = post_change(client, mine, number="BNSP-001")

    assert "instructor" not in response.context["adminform"].form.fields
    assert form_errors(response) == {
        "number": ["This issuer already issued a qualification with this number."]
    }
    mine.refresh_from_db()
    assert mine.number == "BNSP-002"


def test_the_admin_lets_province_staff_read_instructors_only(
    client, blkk_a, province_user
):
    qualification = InstructorQualificationFactory(instructor__blkk=blkk_a)
    client.force_login(province_user)
    for model, obj in (
        (Instructor, qualification.instructor),
        (InstructorQualification, qualification),
    ):
        listed = client.get(admin_url(model, "changelist")).context["cl"].result_list
        assert list(listed) == [obj]
        assert client.get(admin_url(model, "add")).status_code == 403
        assert client.post(admin_url(model, "delete", obj.pk)).status_code == 403
    assert InstructorQualification.objects.filter(pk=qualification.pk).exists()


def test_the_admin_hides_another_blkks_instructors_from_a_manager(
    client, blkk_b, manager_a
):
    theirs = InstructorQualificationFactory(instructor__blkk=blkk_b)
    client.force_login(manager_a)
    for model, obj in (
        (Instructor, theirs.instructor),
        (InstructorQualification, theirs),
    ):
        assert not client.get(admin_url(model, "changelist")).context["cl"].result_list
        assert client.get(admin_url(model, "history", obj.pk)).status_code == 404
