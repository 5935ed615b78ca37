"""The programme records' rules in the database and in `full_clean()`: each
constraint refuses what validation would have refused, written past it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.constraints import violates
from tests.training.factories import (
    BlkkFactory,
    InstructorFactory,
    InstructorQualificationFactory,
)
from training.models import Instructor, InstructorQualification

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 1)


# --- instructors and qualifications -----------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("gender", "X", "instructor_gender_known"),
        ("employment", "intern", "instructor_employment_known"),
    ],
)
def test_instructor_choices_are_known_to_the_database(field, value, constraint):
    with violates(constraint):
        Instructor.objects.create(
            **{
                "blkk": BlkkFactory(),
                "full_name": "Bambang",
                "gender": "M",
                "employment": "contract",
                field: value,
            }
        )


def test_instructor_choices_are_checked_by_full_clean():
    instructor = InstructorFactory.build(
        blkk=BlkkFactory(), gender="X", employment="intern"
    )
    with pytest.raises(ValidationError) as caught:
        instructor.full_clean()
    assert {"gender", "employment"} <= set(caught.value.message_dict)


def test_instructor_is_active_by_default_and_listed_by_name():
    blkk = BlkkFactory()
    second = Instructor.objects.create(
        blkk=blkk, full_name="Yudi", gender="M", employment="volunteer"
    )
    first = Instructor.objects.create(
        blkk=blkk, full_name="Ani", gender="F", employment="permanent"
    )
    assert second.is_active
    assert list(blkk.instructors.all()) == [first, second]


def test_qualification_kind_is_known_to_the_database():
    with violates("qualification_kind_known"):
        InstructorQualificationFactory(kind="diploma")


def test_qualification_valid_until_is_not_before_its_issue():
    with violates("qualification_valid_after_issue"):
        InstructorQualificationFactory(
            issued_on=DAY, valid_until=DAY - datetime.timedelta(days=1)
        )
    # The same day, or no end at all, is stored.
    InstructorQualificationFactory(issued_on=DAY, valid_until=DAY)
    InstructorQualificationFactory(issued_on=DAY, valid_until=None)


def test_qualification_number_is_unique_per_issuer():
    InstructorQualificationFactory(issuer="BNSP", number="BNSP-001")
    with violates("qualification_number_unique_per_issuer"):
        InstructorQualificationFactory(issuer="BNSP", number="BNSP-001")
    InstructorQualificationFactory(issuer="LSP Garmen", number="BNSP-001")


def test_qualification_without_a_number_may_repeat():
    InstructorQualificationFactory.create_batch(3, issuer="BNSP", number="")
    assert InstructorQualification.objects.filter(number="").count() == 3


def test_qualification_constraints_are_checked_by_full_clean():
    InstructorQualificationFactory(issuer="BNSP", number="BNSP-001")
    duplicate = InstructorQualificationFactory.build(
        instructor=InstructorFactory(),
        issuer="BNSP",
        number="BNSP-001",
        kind="diploma",
        issued_on=DAY,
        valid_until=DAY - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    messages = caught.value.message_dict
    assert "kind" in messages
    # Constraints without a field of their own: the services put them on one.
    assert len(messages["__all__"]) == 2
