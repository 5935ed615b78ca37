"""Creating portal users with a role, for the admin and `create_portal_user`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from training.models import Blkk, Province

from .models import ADMIN_ROLES, Role, User
from .scope import forget_scope


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    email: str = "",
    province: Province | None = None,
    blkks: list[Blkk] | None = None,
) -> User:
    """A user with a role; a mentor gets its Mentor profile, a manager their BLKKs.

    Ministry, provincial and BLKK staff may sign into the admin (scoped there as
    everywhere); mentors work in the portal pages and the API.
    """
    from mentoring.models import Mentor

    blkks = blkks or []
    if role == Role.BLKK_MANAGER and not blkks:
        raise ValidationError({"blkks": _("A BLKK manager needs at least one BLKK.")})
    if role != Role.BLKK_MANAGER and blkks:
        raise ValidationError({"blkks": _("Only BLKK managers are given BLKKs.")})
    if role == Role.MENTOR and not full_name:
        raise ValidationError({"full_name": _("A mentor needs a full name.")})
    user = User(
        username=username,
        role=role,
        full_name=full_name,
        email=email,
        province=province,
        is_staff=role in ADMIN_ROLES,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if blkks:
        user.managed_blkks.set(blkks)
    if role == Role.MENTOR:
        Mentor.objects.create(
            user=user, full_name=full_name, affiliation=Mentor.Affiliation.BLK
        )
    forget_scope(user)
    return user
