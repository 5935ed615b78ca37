"""Writes of partners and partnerships (kemitraan)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from blkk_portal.accounts.models import Role
from blkk_portal.services import (
    ModelServices,
    changed_fields,
    model_create,
    model_delete,
    model_update,
)

from ..models import (
    Blkk,
    Partner,
    Partnership,
    PartnershipPurpose,
    Regency,
)
from .people import managed_blkk_ids

if TYPE_CHECKING:
    from typing import Unpack

    from blkk_portal.accounts.models import User


# --- partners and partnerships --------------------------------------------------------
# DESIGN.md, "Programme records the seeds name" and "Roles and scoping": partners are
# shared reference data that managers may add and ministry staff alone change or
# delete; a partnership is a BLKK's (its managers write it) or, without a BLKK, the
# ministry's national one (ministry staff alone write it).


MINISTRY_ONLY_PARTNER = _("Only ministry staff can change or delete a partner.")
PARTNER_ADDED_BY = _("Only ministry staff and BLKK managers can add a partner.")
PARTNER_ALREADY_RECORDED = _(
    "%(name)s (%(regency)s) is already recorded as a partner, no. %(id)s: choose it "
    "instead of adding it again."
)
PARTNER_ALREADY_RECORDED_NO_REGENCY = _(
    "%(name)s (no regency) is already recorded as a partner, no. %(id)s: choose it "
    "instead of adding it again."
)
PARTNER_IN_USE = _(
    "This partner cannot be deleted: partnerships or placements refer to it. Only a "
    "partner that nothing refers to can be deleted."
)
PARTNERSHIP_WRITERS = _(
    "Only ministry staff and the BLKK's managers record its partnerships."
)
NATIONAL_PARTNERSHIP_MINISTRY_ONLY = _(
    "A national partnership (without a BLKK) is the ministry's: only ministry staff "
    "record it. Choose your BLKK."
)
NATIONAL_PARTNERSHIP_FIXED = _(
    "A national partnership is the ministry's: only ministry staff change or delete it."
)
PARTNERSHIP_OF_YOUR_BLKK = _("Choose one of the BLKKs you manage.")
PURPOSES_REQUIRED = _("Choose at least one purpose.")
PURPOSE_REPEATED = _("Give each purpose once: %(purpose)s is repeated.")
PARTNER_OF_PLACEMENTS = _(
    "Placements were made through this partnership with its partner, so its partner "
    "cannot be changed: record a new partnership with the other partner instead."
)
PARTNERSHIP_IN_USE = _(
    "This partnership cannot be deleted: placements were made through it."
)


class PartnerChanges(TypedDict, total=False):
    name: str
    kind: str
    regency: Regency | None
    contact_name: str
    phone: str
    email: str


def partner_namesake(*, name: str, regency: Regency | None) -> Partner | None:
    """The partner already recorded under `name` (ignoring case and surrounding
    spaces) in `regency` (None: among those without one), if any: adding it again
    would be an obvious duplicate."""
    rows = Partner.objects.filter(name__iexact=name.strip())
    if regency is None:
        rows = rows.filter(regency__isnull=True)
    else:
        rows = rows.filter(regency_id=regency.pk)
    return rows.order_by("pk").first()


def _lock_partner_name(name: str) -> None:
    """Hold, until the transaction ends, the right to add a partner of this name, so
    that two people adding the same partner at once are decided one after the other
    and the second is refused as a namesake (a PostgreSQL advisory lock; SQLite
    serialises writers by itself)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"training.partner:{name.strip().lower()}"],
        )


def _refuse_namesake(partner: Partner) -> None:
    regency = partner.regency
    namesake = partner_namesake(name=partner.name, regency=regency)
    if namesake is None:
        return
    if regency is None:
        message = PARTNER_ALREADY_RECORDED_NO_REGENCY % {
            "name": namesake.name,
            "id": namesake.pk,
        }
    else:
        message = PARTNER_ALREADY_RECORDED % {
            "name": namesake.name,
            "regency": regency.name,
            "id": namesake.pk,
        }
    raise ValidationError({"name": ValidationError(message, code="duplicate")})


def _ensure_partner_changer(by: User | None) -> None:
    # `PartnerQuerySet.writable_by`: ministry staff alone.
    if by is not None and not by.sees_everything:
        raise PermissionDenied(MINISTRY_ONLY_PARTNER)


@transaction.atomic
def partner_create(
    *,
    name: str,
    kind: str,
    regency: Regency | None = None,
    contact_name: str = "",
    phone: str = "",
    email: str = "",
    by: User | None,
) -> Partner:
    """Add a partner (ministry staff or a BLKK manager), unless one of the same name
    is already recorded in the same regency (ignoring case): the refusal names it,
    to be chosen instead. Ministry staff may still rename partners afterwards."""
    if by is not None and not by.has_perm("training.add_partner"):
        raise PermissionDenied(PARTNER_ADDED_BY)
    _lock_partner_name(name)
    return model_create(
        Partner,
        fields={
            "name": name.strip(),
            "kind": kind,
            "regency": regency,
            "contact_name": contact_name,
            "phone": phone,
            "email": email,
        },
        check=_refuse_namesake,
    )


@transaction.atomic
def partner_update(
    *, partner: Partner, by: User | None, **changes: Unpack[PartnerChanges]
) -> Partner:
    """Change a partner: ministry staff only."""
    _ensure_partner_changer(by)
    return model_update(partner, changes=changes)


@transaction.atomic
def partner_delete(*, partner: Partner, by: User | None) -> None:
    """Delete a partner recorded by mistake (ministry staff only); one that
    partnerships or placements refer to is refused (the database's PROTECT too)."""
    _ensure_partner_changer(by)
    if partner.partnerships.exists() or partner.placements.exists():
        raise ValidationError(PARTNER_IN_USE, code="protected")
    model_delete(partner)


class PartnershipChanges(TypedDict, total=False):
    partner: Partner
    blkk: Blkk | None
    purposes: Iterable[PartnershipPurpose]
    agreement_number: str
    signed_on: datetime.date | None
    start_date: datetime.date
    end_date: datetime.date | None


def _ensure_partnership_blkk(*, blkk: Blkk | None, by: User | None) -> None:
    """`by` may hold a partnership of `blkk` (None: a national one)."""
    if by is None or by.sees_everything:
        return
    if by.role != Role.BLKK_MANAGER:
        raise PermissionDenied(PARTNERSHIP_WRITERS)
    if blkk is None:
        refusal = ValidationError(NATIONAL_PARTNERSHIP_MINISTRY_ONLY, code="national")
        raise ValidationError({"blkk": refusal})
    if blkk.pk not in managed_blkk_ids(by):
        raise ValidationError({"blkk": PARTNERSHIP_OF_YOUR_BLKK})


def _ensure_partnership_writable(*, partnership: Partnership, by: User | None) -> None:
    """`by` may change or delete this stored partnership."""
    if by is None or by.sees_everything:
        return
    if partnership.blkk_id is None:
        raise PermissionDenied(NATIONAL_PARTNERSHIP_FIXED)
    if by.role != Role.BLKK_MANAGER or partnership.blkk_id not in managed_blkk_ids(by):
        raise PermissionDenied(PARTNERSHIP_WRITERS)


def _purpose_errors(purposes: Iterable[PartnershipPurpose]) -> dict[str, list]:
    """At least one purpose, none given twice (a repeat is refused, not dropped)."""
    chosen = list(purposes)
    if not chosen:
        return {"purposes": [ValidationError(PURPOSES_REQUIRED, code="required")]}
    seen: set[str] = set()
    for purpose in chosen:
        if purpose.pk in seen:
            message = PURPOSE_REPEATED % {"purpose": purpose.pk}
            return {"purposes": [ValidationError(message, code="repeated")]}
        seen.add(purpose.pk)
    return {}


class _RefusedBeforeSaving(ValidationError):
    """The rules a service checks beside the row's own, raised by its `check`."""


def _stored_with(store: Callable[[Callable], Partnership], errors: dict) -> Partnership:
    """Run `store(check)` (`model_create` or `model_update`), refusing `errors` (the
    service's own rules) together with whatever the row's validation refuses, so
    that every field's message comes at once."""

    def check(_instance) -> None:
        if errors:
            raise _RefusedBeforeSaving(errors)

    try:
        return store(check)
    except _RefusedBeforeSaving:
        raise
    except ValidationError as error:
        if not errors or not hasattr(error, "error_dict"):
            raise
        merged = {name: list(messages) for name, messages in errors.items()}
        raise ValidationError(error.update_error_dict(merged)) from error


@transaction.atomic
def partnership_create(
    *,
    partner: Partner,
    blkk: Blkk | None = None,
    purposes: Iterable[PartnershipPurpose],
    agreement_number: str = "",
    signed_on: datetime.date | None = None,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    by: User | None,
) -> Partnership:
    """Record a partnership of `blkk` with `partner` (a BLKK's managers or ministry
    staff), or without a BLKK the ministry's national one (ministry staff only)."""
    _ensure_partnership_blkk(blkk=blkk, by=by)
    chosen = list(purposes)
    return _stored_with(
        lambda check: model_create(
            Partnership,
            fields={
                "partner": partner,
                "blkk": blkk,
                "purposes": chosen,
                "agreement_number": agreement_number,
                "signed_on": signed_on,
                "start_date": start_date,
                "end_date": end_date,
            },
            check=check,
        ),
        _purpose_errors(chosen),
    )


@transaction.atomic
def partnership_update(
    *,
    partnership: Partnership,
    by: User | None,
    **changes: Unpack[PartnershipChanges],
) -> Partnership:
    """Change a partnership its writer holds (see `partnership_create`). Its partner
    stays once placements were made through it (their partnership is with their
    partner): the row is locked first, so a placement recorded meanwhile is seen."""
    _ensure_partnership_writable(partnership=partnership, by=by)
    if "blkk" in changes:
        _ensure_partnership_blkk(blkk=changes["blkk"], by=by)
    errors: dict[str, list] = {}
    partner = changes.get("partner")
    if "purposes" in changes:
        changes["purposes"] = list(changes["purposes"])
        errors |= _purpose_errors(changes["purposes"])
    if partner is not None and changed_fields(partnership, {"partner": partner}):
        # Locked against placements recorded meanwhile (their foreign key's check
        # waits for this lock), then asked.
        Partnership.objects.select_for_update().only("pk").get(pk=partnership.pk)
        if partnership.placements.exists():
            errors["partner"] = [
                ValidationError(PARTNER_OF_PLACEMENTS, code="placements")
            ]
    return _stored_with(
        lambda check: model_update(partnership, changes=changes, check=check), errors
    )


@transaction.atomic
def partnership_delete(*, partnership: Partnership, by: User | None) -> None:
    """Delete a partnership its writer holds, unless placements were made through
    it (the database's PROTECT too)."""
    _ensure_partnership_writable(partnership=partnership, by=by)
    if partnership.placements.exists():
        raise ValidationError(PARTNERSHIP_IN_USE, code="protected")
    model_delete(partnership)


# --- for the admin and the API: partners and partnerships -----------------------------

PARTNERS = ModelServices(
    create=partner_create, update=partner_update, delete=partner_delete
)
PARTNERSHIPS = ModelServices(
    create=partnership_create, update=partnership_update, delete=partnership_delete
)
