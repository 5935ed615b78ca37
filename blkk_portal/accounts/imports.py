"""What the admin's account import needs from the accounts base, without the app
that owns the import kind.

The kind itself (`mentoring.imports.AccountsImport`) lives in the mentoring app, the
lowest that knows every role's records (a manager's BLKKs, a mentor's profile),
beside `mentoring.services.user_create`, through which it writes. The admin's
pages (`accounts.admin_imports`) find it by its name in the engine's registry
(`blkk_portal.imports.kinds.kind_named(ACCOUNTS_IMPORT)`), so this base imports no
app above it.

- An account import belongs to the portal's address it was uploaded through (the
  job's `owner_key`, `portal_origin`): the invitation mails, sent by a worker with
  no request in hand, link there (`origin_parts`), and only to a host of
  ALLOWED_HOSTS.
- A file that carries passwords is refused (`refuse_passwords`) before its rows are
  kept anywhere: every new account's person sets their own through the invitation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.request import validate_host
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blkk_portal.imports import reading
from blkk_portal.imports.kinds import Column, ImportRefused

ACCOUNTS_IMPORT = "accounts.users"

# Headers naming a password in the portal's languages (password, sandi, kata
# sandi): never one of the template's columns.
PASSWORD_COLUMNS = (
    Column("password", gettext_lazy("password")),
    Column("kata_sandi", gettext_lazy("Password")),
)


@dataclass(frozen=True)
class Origin:
    domain: str
    use_https: bool


def portal_origin(request: HttpRequest) -> str:
    """The address the request reached the portal at: `https://host[:port]`."""
    return f"{request.scheme}://{request.get_host()}"


def origin_parts(owner_key: str) -> Origin:
    """The domain and scheme the invitation links of an import use; ImportRefused
    for an address that is not the portal's (a host outside ALLOWED_HOSTS)."""
    parts = urlsplit(owner_key)
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        # Django's own fallback for a development server (HttpRequest.get_host).
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not validate_host(parts.hostname, allowed)
    ):
        raise ImportRefused(
            _("This import names no address of the portal; upload the file again.")
        )
    return Origin(domain=parts.netloc, use_https=parts.scheme == "https")


def refuse_passwords(upload: UploadedFile, columns: Sequence[Column]) -> None:
    """Raise FileRefused when any row of `upload` has a password, before the
    engine keeps its rows for the preview. An empty password column is let
    through (its header is then ignored with a notice, as any unknown column);
    whatever else is wrong with the file is said by the same reading here."""
    try:
        table = reading.read_table(
            upload,
            name=upload.name or "",
            size=upload.size or 0,
            columns=[*columns, *PASSWORD_COLUMNS],
        )
    finally:
        upload.seek(0)
    keys = {column.key for column in PASSWORD_COLUMNS}
    lines = [row.line for row in table.rows if keys & set(row.cells)]
    if lines:
        shown = ", ".join(str(line) for line in lines[:10])
        if len(lines) > 10:
            shown += ", \u2026"
        raise reading.FileRefused(
            _(
                "This file has passwords in it (rows %(rows)s). Passwords are never "
                "imported: each new account is mailed a link to set its own. Delete "
                "the password column, here and in your copies of the file, and "
                "upload it again."
            )
            % {"rows": shown}
        )
