"""Who reads and who writes each model, declared once beside its queryset.

Every scoped queryset class carries an `Access`: which roles read the model (within
their scope, decided by the queryset's `reached_by_blkks` / `reached_by_mentor`) and
which roles write it, with which actions. Everything else is derived from it:

- the role permissions (`accounts.backends.RoleBackend`), so the admin and the API
  ask Django's `has_perm` and get the declaration's answer;
- the system checks (`blkk_portal.checks`), which refuse a model that belongs to a
  BLKK without a declaration, an admin that does not scope it, and an API view that
  reads around it;
- the tests' role matrix, whose list of models is `declared_models()`.

Ministry staff read and write everything and are not named in declarations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import models

from blkk_portal.accounts.models import Role

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL_ACTIONS = frozenset({ADD, CHANGE, DELETE})
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

# Roles that read within a scope; ministry staff read everything anyway.
STAFF: frozenset[Role] = frozenset({Role.PROVINCE, Role.BLKK_MANAGER})
SIGNED_IN: frozenset[Role] = frozenset({Role.PROVINCE, Role.BLKK_MANAGER, Role.MENTOR})
NOBODY: frozenset[Role] = frozenset()
NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Access:
    """How a model is reached and written.

    `read`: the roles that see rows of it (which rows is the queryset's business).
    `write`: role -> the actions (`add`, `change`, `delete`) it may take on the rows
    it may write (`writable_by`). `reference`: shared reference data (regions,
    trades), the same for everyone signed in and written by ministry staff only.
    """

    read: frozenset[Role] = NOBODY
    write: Mapping[Role, frozenset[str]] = field(default_factory=dict)
    reference: bool = False

    @classmethod
    def reference_data(cls) -> Access:
        return cls(read=SIGNED_IN, reference=True)

    def actions_of(self, role: Role) -> frozenset[str]:
        """What `role` may do with this model, `view` included when it reads."""
        actions = set(self.write.get(role, NOTHING))
        if role in self.read:
            actions.add(VIEW)
        return frozenset(actions)


def access_of(model: type[models.Model]) -> Access | None:
    """The model's declaration, read from its default manager's queryset class."""
    queryset_class = type(model._default_manager.get_queryset())
    return getattr(queryset_class, "access", None)


def is_portal_model(model: type[models.Model]) -> bool:
    """A concrete model of one of the portal's own apps, not one generated for it
    (many-to-many tables, django-simple-history's historical copies) nor kept by the
    database from other tables (`kept_by_the_database`, as training.TraineeReach:
    read only inside the scopes of the models it derives from, never on its own)."""
    meta = model._meta
    if meta.abstract or meta.proxy or meta.auto_created:
        return False
    if getattr(model, "kept_by_the_database", False):
        return False
    if meta.app_label not in settings.PORTAL_APPS:
        return False
    # django-simple-history's copies point back at the model they record.
    return not hasattr(model, "instance_type")


def _related_models(model: type[models.Model]) -> Iterable[type[models.Model]]:
    for model_field in model._meta.get_fields():
        if model_field.is_relation and not model_field.auto_created:
            related = model_field.related_model
            if isinstance(related, type) and related is not model:
                yield related


@cache
def belongs_to_a_blkk(model: type[models.Model]) -> bool:
    """True for the BLKK itself and every model that reaches it through foreign keys
    or many-to-many fields of its own: their rows are some BLKK's records."""
    blkk = apps.get_model(settings.BLKK_MODEL)
    seen: set[type[models.Model]] = set()
    pending = [model]
    while pending:
        current = pending.pop()
        if current is blkk:
            return True
        if current in seen:
            continue
        seen.add(current)
        pending.extend(_related_models(current))
    return False


def requires_access(model: type[models.Model]) -> bool:
    """Models that must declare their access: every portal model that belongs to a
    BLKK, and any other portal model that declares one anyway."""
    return is_portal_model(model) and (
        belongs_to_a_blkk(model) or access_of(model) is not None
    )


def declared_models() -> list[type[models.Model]]:
    """Every portal model with an access declaration, in a stable order."""
    found = [
        model
        for model in apps.get_models()
        if is_portal_model(model) and access_of(model) is not None
    ]
    return sorted(found, key=lambda model: model._meta.label)


@cache
def role_permissions() -> dict[str, frozenset[str]]:
    """Django permission names per role, as the declarations grant them."""
    granted: dict[Role, set[str]] = {role: set() for role in SIGNED_IN}
    for model in declared_models():
        access = access_of(model)
        if access is None:
            continue
        meta = model._meta
        for role, perms in granted.items():
            perms.update(
                f"{meta.app_label}.{action}_{meta.model_name}"
                for action in access.actions_of(role)
            )
    return {str(role): frozenset(perms) for role, perms in granted.items()}
