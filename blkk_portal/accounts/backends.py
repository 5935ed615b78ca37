"""Model permissions that follow from a user's role (DESIGN.md, "Roles and scoping").

Which rows a user may touch is decided by `visible_to`; this backend decides which
kinds of records each role may view, add, change or delete. Django's own per-user
and group permissions still apply on top, through `ModelBackend`.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .models import Role

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL_ACTIONS = (VIEW, ADD, CHANGE, DELETE)

# Reference data and records every role with any scope may read.
SCOPED_MODELS = (
    "training.province",
    "training.regency",
    "training.vocationalfield",
    "training.blkk",
    "training.trainingbatch",
    "training.trainee",
    "training.enrollment",
    "training.certification",
    "training.graduateoutcome",
    "incubator.cohort",
    "incubator.venture",
    "incubator.stagechange",
    "incubator.milestone",
    "incubator.venturemetric",
    "mentoring.mentor",
    "mentoring.mentorassignment",
    "mentoring.mentoringsession",
    "reports.progressreport",
)

MANAGER_WRITES = (
    "training.trainingbatch",
    "training.trainee",
    "training.enrollment",
    "training.certification",
    "training.graduateoutcome",
    "incubator.cohort",
    "incubator.venture",
    "incubator.milestone",
    "incubator.venturemetric",
)

MENTOR_READS = (
    "training.province",
    "training.regency",
    "training.vocationalfield",
    "training.blkk",
    "training.trainee",
    "incubator.cohort",
    "incubator.venture",
    "incubator.stagechange",
    "incubator.milestone",
    "incubator.venturemetric",
    "mentoring.mentor",
    "mentoring.mentorassignment",
    "mentoring.mentoringsession",
    "reports.progressreport",
)


def _perms(models: tuple[str, ...], actions: tuple[str, ...]) -> set[str]:
    perms = set()
    for label in models:
        app, model = label.split(".")
        perms.update(f"{app}.{action}_{model}" for action in actions)
    return perms


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PROVINCE: frozenset(_perms(SCOPED_MODELS, (VIEW,))),
    Role.BLKK_MANAGER: frozenset(
        _perms(SCOPED_MODELS, (VIEW,))
        | _perms(MANAGER_WRITES, ALL_ACTIONS)
        # Their BLKK's contact details only; the admin keeps the rest read-only.
        | {"training.change_blkk"}
    ),
    Role.MENTOR: frozenset(
        _perms(MENTOR_READS, (VIEW,))
        | _perms(("mentoring.mentoringsession",), ALL_ACTIONS)
        | _perms(("incubator.venturemetric",), (ADD, CHANGE))
    ),
}


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
            perms |= ROLE_PERMISSIONS.get(user_obj.role, frozenset())
            if user_obj.role != Role.MENTOR and _has_mentor_profile(user_obj):
                perms |= ROLE_PERMISSIONS[Role.MENTOR]
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
    from blkk_portal.accounts.scope import scope_of

    return scope_of(user).mentor_id is not None
