"""`mentoring.services.user_create`: a user with a role and what it brings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from blkk_portal.accounts.models import Role, User
from mentoring.models import Mentor
from mentoring.services import user_create
from tests.accounts.factories import PASSWORD
from training.models import Province

pytestmark = pytest.mark.django_db


def create(**fields) -> User:
    return user_create(username="siti", password=PASSWORD, **fields)


def error_fields(**fields) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        create(**fields)
    assert not User.objects.filter(username="siti").exists()
    return set(caught.value.message_dict)


def test_a_manager_gets_their_blkks_and_the_admin(blkk_a, blkk_b):
    user = create(role=Role.BLKK_MANAGER, blkks=[blkk_a, blkk_b])
    assert set(user.managed_blkks.all()) == {blkk_a, blkk_b}
    assert user.is_staff
    assert user.check_password(PASSWORD)


def test_a_mentor_gets_a_mentor_profile_but_not_the_admin():
    user = create(role=Role.MENTOR, full_name="Siti Aminah")
    assert not user.is_staff
    assert Mentor.objects.get(user=user).full_name == "Siti Aminah"


def test_provincial_staff_are_tied_to_their_province():
    user = create(role=Role.PROVINCE, province=Province.objects.get(code="35"))
    assert user.province_id == "35"
    assert user.is_staff


def test_a_manager_needs_a_blkk():
    assert error_fields(role=Role.BLKK_MANAGER) == {"blkks"}


def test_only_managers_are_given_blkks(blkk_a):
    assert error_fields(role=Role.MINISTRY, blkks=[blkk_a]) == {"blkks"}


def test_a_mentor_needs_a_full_name():
    assert error_fields(role=Role.MENTOR) == {"full_name"}
    assert not Mentor.objects.exists()


def test_provincial_staff_need_a_province():
    assert error_fields(role=Role.PROVINCE) == {"__all__"}


def test_an_unknown_role_is_refused():
    assert "role" in error_fields(role="superadmin")
