"""Importing user accounts from a spreadsheet: ministry staff, in the admin.

One row per account: `username`, `full_name`, `email`, `role` (BLKK manager,
mentor or provincial staff; ministry accounts are made one by one), the BLKKs of a
manager (`blkk_codes`, separated by commas or semicolons), the province of
provincial staff (`province`, its code or name), and a mentor's profile
(`expertise`, `affiliation`, `home_blkk`). No password: every new account is made
without one (`user_create(password=None)`) and its person is mailed a link to set
it once the rows are stored (`blkk_portal.accounts.services.users_invite`).

The kind lives here, beside `user_create`, because the mentoring app is the lowest
that knows every role's records; the admin's pages find it by its name
(`blkk_portal.accounts.imports.ACCOUNTS_IMPORT`). Checking a file costs the same
few queries whatever its length (usernames and emails taken, the BLKKs named, the
provinces); writing goes row by row through `user_create`, in the engine's one
transaction: all rows or none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db.models.functions import Lower
from django.forms import Field as FormField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blkk_portal.accounts.imports import ACCOUNTS_IMPORT, Origin, origin_parts
from blkk_portal.accounts.models import Role, User
from blkk_portal.accounts.services import users_invite
from blkk_portal.imports import cells
from blkk_portal.imports.kinds import (
    Checked,
    Column,
    ImportKind,
    ImportRefused,
    Row,
    lines_sharing,
    register,
)
from training.models import Blkk, Province

from .models import Affiliation
from .services import user_create

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Roles an import gives; ministry accounts hold every power and are made one by one.
IMPORTED_ROLES = (Role.BLKK_MANAGER, Role.MENTOR, Role.PROVINCE)
MENTOR_FIELDS = ("expertise", "affiliation", "home_blkk")
CHUNK = 50
_CODE_SEPARATORS = re.compile(r"[,;\n]")
_USERNAME = UnicodeUsernameValidator()
_EMAIL = EmailValidator()


def _role(cell: cells.Cell) -> str:
    """A role by its code or label; ministry staff are refused with a reason."""
    try:
        cells.choice([(Role.MINISTRY.value, Role.MINISTRY.label)])(cell)
    except cells.CellError:
        return _imported_role(cell)
    raise cells.CellError(
        _(
            "Ministry accounts are not imported: add each one in the admin, with "
            "care (they see and change everything)."
        )
    )


_imported_role = cells.choice(
    [(role.value, role.label) for role in IMPORTED_ROLES],
    aliases={"manager": Role.BLKK_MANAGER, "pengelola": Role.BLKK_MANAGER},
)


@dataclass(frozen=True)
class NewAccount:
    """One checked row, as `user_create` takes it."""

    username: str
    full_name: str
    email: str
    role: str
    blkks: list[Blkk]
    province: Province | None
    expertise: str
    affiliation: str
    home_blkk: Blkk | None


class AccountsImport(ImportKind):
    name = ACCOUNTS_IMPORT
    title = gettext_lazy("User accounts")
    title_column = "full_name"
    columns = (
        Column(
            "username",
            gettext_lazy("username"),
            required=True,
            as_text=True,
            hint=gettext_lazy(
                "Letters, digits and @ . + - _ only; unique in the portal."
            ),
            example="siti.aminah",
        ),
        Column(
            "full_name", gettext_lazy("full name"), required=True, example="Siti Aminah"
        ),
        Column(
            "email",
            gettext_lazy("email"),
            required=True,
            hint=gettext_lazy(
                "Where the link to set the password is mailed; one account per address."
            ),
            example="siti.aminah@example.id",
        ),
        Column(
            "role",
            gettext_lazy("role"),
            _role,
            required=True,
            hint=gettext_lazy("blkk_manager, mentor or province (or their names)."),
            example=Role.BLKK_MANAGER.value,
            offered=tuple(role.value for role in IMPORTED_ROLES),
        ),
        Column(
            "blkk_codes",
            gettext_lazy("BLKK codes"),
            as_text=True,
            hint=gettext_lazy(
                "BLKK managers only, and required for them: the registration codes "
                "of their BLKKs, separated by commas or semicolons."
            ),
            example="BLKK-32.73-001",
        ),
        Column(
            "province",
            gettext_lazy("province"),
            as_text=True,
            hint=gettext_lazy(
                "Provincial staff only, and required for them: the province's code "
                "or name."
            ),
            example="32",
        ),
        Column(
            "expertise",
            gettext_lazy("expertise"),
            hint=gettext_lazy("Mentors only."),
            example="Pemasaran digital",
        ),
        Column(
            "affiliation",
            gettext_lazy("affiliation"),
            cells.choice(Affiliation.choices),
            hint=gettext_lazy(
                "Mentors only, and required for them: blk, university, industry or "
                "ministry (or their names)."
            ),
            example=Affiliation.UNIVERSITY.value,
            offered=tuple(Affiliation.values),
        ),
        Column(
            "home_blkk",
            gettext_lazy("home BLKK"),
            as_text=True,
            hint=gettext_lazy("Mentors only: the code of the BLKK they come from."),
        ),
    )

    def context(self, *, owner_key: str, by: User) -> Origin:
        if not by.sees_everything:
            raise ImportRefused(_("Only ministry staff import user accounts."))
        return origin_parts(owner_key)

    def check(self, rows: Sequence[Row], context: Any) -> Checked:
        checked = Checked()
        found = _Lookups.of(rows)
        accounts = [_check_row(row, found, checked) for row in rows]
        for key, message in (("username", _username_twice), ("email", _email_twice)):
            shared = lines_sharing(rows, lambda row, key=key: _folded(row, key))
            for line, others in shared.items():
                checked.add(line, key, message() % {"row": others[0]})
        if not checked.errors:
            checked.cleaned = accounts
        return checked

    def write(
        self,
        cleaned: Sequence[Any],
        context: Any,
        *,
        by: User | None,
        progress: Callable[[int], None],
        reason: str,
    ) -> int:
        created: list[User] = []
        for start in range(0, len(cleaned), CHUNK):
            for account in cleaned[start : start + CHUNK]:
                created.append(
                    user_create(
                        username=account.username,
                        password=None,
                        role=account.role,
                        full_name=account.full_name,
                        email=account.email,
                        province=account.province,
                        blkks=account.blkks,
                        expertise=account.expertise,
                        affiliation=account.affiliation,
                        home_blkk=account.home_blkk,
                        by=by,
                    )
                )
            progress(len(created))
        if by is not None:
            # Each account's history in the admin says where it came from.
            LogEntry.objects.log_actions(
                user_id=by.pk,
                queryset=created,
                action_flag=ADDITION,
                change_message=_("Imported from a spreadsheet (%(reason)s).")
                % {"reason": reason},
            )
        users_invite(users=created, domain=context.domain, use_https=context.use_https)
        return len(created)


# --- checking -------------------------------------------------------------------------


def _required() -> str:
    return str(FormField.default_error_messages["required"])


def _username_twice() -> str:
    return _("This username is also on row %(row)s.")


def _email_twice() -> str:
    return _("This email is also on row %(row)s.")


def _folded(row: Row, key: str) -> str | None:
    value = row.values.get(key)
    return value.casefold() if isinstance(value, str) and value else None


def _codes(typed: str) -> list[str]:
    return [
        code.strip().upper() for code in _CODE_SEPARATORS.split(typed) if code.strip()
    ]


@dataclass(frozen=True)
class _Lookups:
    """What the rows name, looked up once for the whole file."""

    usernames_taken: set[str]
    emails_taken: set[str]
    blkks: dict[str, Blkk]
    provinces: dict[str, Province]

    @classmethod
    def of(cls, rows: Sequence[Row]) -> _Lookups:
        usernames = {name for row in rows if (name := _folded(row, "username"))}
        emails = {email for row in rows if (email := _folded(row, "email"))}
        codes: set[str] = set()
        for row in rows:
            codes.update(_codes(str(row.values.get("blkk_codes", ""))))
            codes.update(_codes(str(row.values.get("home_blkk", ""))))
        taken_names = (
            User.objects.annotate(folded=Lower("username"))
            .filter(folded__in=usernames)
            .values_list("folded", flat=True)
        )
        taken_emails = (
            User.objects.annotate(folded=Lower("email"))
            .filter(folded__in=emails)
            .values_list("folded", flat=True)
        )
        provinces: dict[str, Province] = {}
        for province in Province.objects.all():
            provinces[province.code.casefold()] = province
            provinces[province.name.casefold()] = province
        return cls(
            usernames_taken=set(taken_names) if usernames else set(),
            emails_taken=set(taken_emails) if emails else set(),
            blkks={blkk.code: blkk for blkk in Blkk.objects.filter(code__in=codes)}
            if codes
            else {},
            provinces=provinces,
        )


def _check_row(row: Row, found: _Lookups, checked: Checked) -> NewAccount | None:
    values = row.values

    def refuse(column: str, message: StrOrPromise) -> None:
        checked.add(row.line, column, message)

    username = str(values.get("username", ""))
    if not username:
        refuse("username", _required())
    else:
        _validate(username, _USERNAME, "username", refuse, max_length=150)
        if username.casefold() in found.usernames_taken:
            refuse("username", _("A user with that username already exists."))
    full_name = str(values.get("full_name", ""))
    if not full_name:
        refuse("full_name", _required())
    elif len(full_name) > 150:
        refuse("full_name", _too_long(150))
    email = str(values.get("email", ""))
    if not email:
        refuse("email", _required())
    else:
        _validate(email, _EMAIL, "email", refuse, max_length=254)
        if email.casefold() in found.emails_taken:
            refuse("email", _("An account with this email already exists."))
    role = values.get("role")
    if not role:
        refuse("role", _required())
    blkks = _blkks_of(values, role, found, refuse)
    province = _province_of(values, role, found, refuse)
    home_blkk = _mentor_profile_of(values, role, found, refuse)
    return NewAccount(
        username=username,
        full_name=full_name,
        email=email,
        role=str(role or ""),
        blkks=blkks,
        province=province,
        expertise=str(values.get("expertise", "")),
        affiliation=str(values.get("affiliation", "")),
        home_blkk=home_blkk,
    )


def _validate(value: str, validator, column: str, refuse, *, max_length: int) -> None:
    if len(value) > max_length:
        refuse(column, _too_long(max_length))
        return
    try:
        validator(value)
    except ValidationError as error:
        for message in error.messages:
            refuse(column, message)


def _too_long(limit: int) -> str:
    return _("Ensure this value has at most %(limit_value)d characters.") % {
        "limit_value": limit
    }


def _blkks_of(values: dict, role, found: _Lookups, refuse) -> list[Blkk]:
    codes = _codes(str(values.get("blkk_codes", "")))
    if role == Role.BLKK_MANAGER and not codes:
        refuse("blkk_codes", _("A BLKK manager needs at least one BLKK."))
    if role and role != Role.BLKK_MANAGER and codes:
        refuse("blkk_codes", _("Only BLKK managers are given BLKKs."))
    unknown = [code for code in codes if code not in found.blkks]
    if unknown:
        refuse(
            "blkk_codes",
            _("No BLKK has the code %(codes)s.") % {"codes": ", ".join(unknown)},
        )
    return [found.blkks[code] for code in dict.fromkeys(codes) if code in found.blkks]


def _province_of(values: dict, role, found: _Lookups, refuse) -> Province | None:
    typed = str(values.get("province", "")).strip()
    needs = role == Role.PROVINCE
    if needs != bool(typed) and role:
        refuse(
            "province",
            _("A province is required for provincial staff, and only for them."),
        )
        return None
    if not typed:
        return None
    province = found.provinces.get(typed.casefold())
    if province is None:
        refuse(
            "province",
            _("%(value)s is not a province's code or name.") % {"value": typed},
        )
    return province


def _mentor_profile_of(values: dict, role, found: _Lookups, refuse) -> Blkk | None:
    if role and role != Role.MENTOR:
        for column in MENTOR_FIELDS:
            if values.get(column):
                refuse(column, _("Only mentors have a mentor profile."))
        return None
    if role == Role.MENTOR and not values.get("affiliation"):
        refuse("affiliation", _required())
    codes = _codes(str(values.get("home_blkk", "")))
    if not codes:
        return None
    if len(codes) > 1 or codes[0] not in found.blkks:
        refuse(
            "home_blkk",
            _("No BLKK has the code %(codes)s.") % {"codes": ", ".join(codes)},
        )
        return None
    return found.blkks[codes[0]]


ACCOUNTS = register(AccountsImport())
