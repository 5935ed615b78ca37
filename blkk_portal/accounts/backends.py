"""Model permissions that follow from a user's role (DESIGN.md, "Roles and scoping").

Which rows a user may touch is decided by `visible_to`; this backend decides which
kinds of records each role may view, add, change or delete, as each model's access
declaration says (`blkk_portal.access`): there is no second list to keep in step.
Django's own per-user and group permissions still apply on top, through
`ModelBackend`.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from blkk_portal.access import role_permissions

from .models import Role
from .scope import scope_of


class RoleBackend(ModelBackend):
    """Authenticates like Django's ModelBackend and grants each role its permissions.

    Ministry staff hold every permission, as a superuser does. A user with a Mentor
    profile gets the mentor's permissions in addition to their role's.
    """

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            perms = set(super().get_all_permissions(user_obj))
            granted = role_permissions()
            perms |= granted.get(user_obj.role, frozenset())
            if user_obj.role != Role.MENTOR and _has_mentor_profile(user_obj):
                perms |= granted[Role.MENTOR]
            user_obj._role_perm_cache = perms
        return user_obj._role_perm_cache

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if user_obj.is_active and user_obj.role == Role.MINISTRY:
            return True
        return super().has_perm(user_obj, perm, obj=obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        if user_obj.is_active and user_obj.role == Role.MINISTRY:
            return True
        return super().has_module_perms(user_obj, app_label)


def _has_mentor_profile(user) -> bool:
    return scope_of(user).mentor_id is not None
