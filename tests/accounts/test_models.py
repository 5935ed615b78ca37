"""Users: roles the database holds to, and the cheap properties on the model."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from blkk_portal.accounts.models import Role, User
from tests.constraints import violates
from training.models import Province

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "trait", [None, "ministry", "province_staff", "blkk_manager", "mentor"]
)
def test_factory_builds_users_that_pass_full_clean(trait):
    user = UserFactory(**({trait: True} if trait else {}))
    user.full_clean()
    assert user.check_password(PASSWORD)


def test_factory_gives_staff_roles_the_admin_and_mentors_a_profile():
    assert UserFactory(ministry=True).is_staff
    assert UserFactory(province_staff=True).province_id == "32"
    manager = UserFactory(blkk_manager=True)
    assert manager.is_staff
    assert manager.managed_blkks.count() == 1
    mentor = UserFactory(mentor=True, full_name="Maya Sari")
    assert not mentor.is_staff
    assert mentor.mentor_profile.full_name == "Maya Sari"


def test_personas_hold_the_roles_their_stories_say(
    ministry_user, province_user, manager_a, manager_b, mentor_a, mentor_b
):
    assert ministry_user.role == Role.MINISTRY
    assert (province_user.role, province_user.province_id) == (Role.PROVINCE, "32")
    blkk_a, blkk_b = manager_a.managed_blkks.get(), manager_b.managed_blkks.get()
    assert blkk_a.regency.province_id == "32"
    assert blkk_b.regency.province_id == "35"
    assert mentor_a.mentor_profile != mentor_b.mentor_profile


def test_database_refuses_an_unknown_role():
    user = UserFactory()
    with violates("user_role_known"):
        User.objects.filter(pk=user.pk).update(role="superadmin")


def test_database_refuses_provincial_staff_without_a_province():
    with violates("user_province_iff_province_role"):
        UserFactory(role=Role.PROVINCE, province=None)


@pytest.mark.parametrize("role", ["", Role.MINISTRY, Role.BLKK_MANAGER, Role.MENTOR])
def test_database_refuses_a_province_on_anyone_but_provincial_staff(role):
    user = UserFactory(role=role)
    with violates("user_province_iff_province_role"):
        User.objects.filter(pk=user.pk).update(province_id="32")


def test_full_clean_explains_the_province_rule():
    user = UserFactory.build(role=Role.PROVINCE, province=None)
    with pytest.raises(ValidationError) as caught:
        user.full_clean()
    assert "__all__" in caught.value.message_dict


def test_province_with_staff_cannot_be_deleted(province_user):
    with pytest.raises(ProtectedError) as caught:
        Province.objects.get(code="32").delete()
    assert province_user in caught.value.protected_objects


@pytest.mark.parametrize(
    ("full_name", "text", "short"),
    [
        ("Siti Nurhaliza Putri", "Siti Nurhaliza Putri", "Siti"),
        ("Sukarno", "Sukarno", "Sukarno"),
        ("", "siti", "siti"),
    ],
)
def test_a_user_is_named_by_full_name_or_username(full_name, text, short):
    user = User(username="siti", full_name=full_name)
    assert str(user) == text
    assert user.get_full_name() == text
    assert user.get_short_name() == short


@pytest.mark.parametrize(
    ("fields", "sees_everything"),
    [
        ({"role": Role.MINISTRY}, True),
        ({"role": "", "is_superuser": True}, True),
        ({"role": Role.MINISTRY, "is_active": False}, False),
        ({"role": "", "is_superuser": True, "is_active": False}, False),
        ({"role": Role.PROVINCE}, False),
        ({"role": Role.BLKK_MANAGER, "is_staff": True}, False),
        ({"role": Role.MENTOR}, False),
    ],
)
def test_only_active_ministry_staff_and_superusers_see_everything(
    fields, sees_everything
):
    assert User(**fields).sees_everything is sees_everything
