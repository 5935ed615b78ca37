"""Cells as read from a spreadsheet, and how each becomes the value an API client
would send (text, an ISO date, a choice's code, a boolean).

A `Cell` keeps what the file said about its type: an XLSX number, date, boolean,
formula or error cell, or text (every CSV cell is text). A column's parser turns a
cell into its value or raises `CellError` with a message about the notation (a
date written another way, a NIK typed as a number); whether the value is right is
the import kind's to say, with the API's messages.

Parsers never see empty cells (the engine leaves the column out of the row's
values), formulas or error cells (refused on their row before any parser).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CellType = Literal["text", "number", "date", "bool", "formula", "error"]


class CellError(Exception):
    """A cell the column cannot read; `message` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Cell:
    """One non-empty cell: its value as the file holds it, and its type."""

    value: Any
    type: CellType

    @property
    def shown(self) -> str:
        """The cell as the preview shows it (a date as DD-MM-YYYY)."""
        value = self.value
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.strftime("%d-%m-%Y")
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


Parser = Callable[[Cell], Any]

# Excel writes a long number as 3.27301E+15 (and so do CSVs saved from it).
_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+")
_WHITESPACE = re.compile(r"\s+")


def words(text: str) -> str:
    """Case and runs of spaces set aside, to compare a name people type with the
    one on record: "Kota  Bandung " and "kota bandung" are the same."""
    return _WHITESPACE.sub(" ", text).strip().casefold()


def _words(text: str) -> str:
    """As `words`, underscores read as spaces too (headers and codes): "Full_Name ",
    "full name" and "FULL  NAME" are the same."""
    return words(text.replace("_", " "))


def text(cell: Cell) -> str:
    """Text as typed (outer spaces trimmed); a number as its digits, a date as
    YYYY-MM-DD, a boolean as true or false."""
    value = cell.value
    if cell.type == "text":
        return str(value).strip()
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text_only(message: StrOrPromise) -> Parser:
    """Text that must be typed as text: a number cell, or text in Excel's
    scientific notation (3.27301E+15), is refused with `message`. For identifiers
    of more than 15 digits, which Excel keeps as a number only to 15 significant
    digits (the 16th and later become 0)."""

    def parse(cell: Cell) -> str:
        if cell.type != "text" or _SCIENTIFIC.fullmatch(str(cell.value).strip()):
            raise CellError(str(message))
        return text(cell)

    return parse


# Dates as people type them: DD-MM-YYYY, DD/MM/YYYY (day and month of one or two
# digits), or YYYY-MM-DD.
_DAY_FIRST = re.compile(r"([0-9]{1,2})([-/])([0-9]{1,2})\2([0-9]{4})")
_YEAR_FIRST = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def date_message() -> str:
    return _(
        "Give a date as DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD (for example "
        "17-05-1998), or format the cell as a date."
    )


def date(cell: Cell) -> str:
    """A date cell, or text in one of the accepted notations, as YYYY-MM-DD. A plain
    number is refused: it is not known to be an Excel date (a year typed alone
    would become a day in 1905)."""
    value = cell.value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if cell.type != "text":
        raise CellError(date_message())
    typed = str(value).strip()
    if match := _DAY_FIRST.fullmatch(typed):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _YEAR_FIRST.fullmatch(typed):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise CellError(date_message())
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        raise CellError(_("%(date)s is not a real date.") % {"date": typed}) from None


_TRUE = frozenset({"ya", "y", "true", "1", "yes", "benar"})
_FALSE = frozenset({"tidak", "t", "false", "0", "no", "n", "salah", "bukan"})


def boolean(cell: Cell) -> bool:
    """An Excel boolean, 1 or 0, or ya/tidak, true/false (either case)."""
    value = cell.value
    if isinstance(value, bool):
        return value
    if cell.type == "number" and value in (0, 1):
        return bool(value)
    typed = _words(str(value))
    if typed in _TRUE:
        return True
    if typed in _FALSE:
        return False
    raise CellError(_("Give ya or tidak (or true/false, 1/0)."))


def choice(
    choices: Iterable[tuple[str, StrOrPromise]],
    *,
    aliases: Mapping[str, str] | None = None,
) -> Parser:
    """One of `choices` (code, label), by its code or its label in any of the
    portal's languages, whatever the case; `aliases` maps other common spellings
    to codes ("L" for a man in Indonesian forms)."""
    pairs = list(choices)
    # Every language's labels, gathered on first use (labels translate lazily)
    # and kept: a file of thousands of rows asks once.
    gathered: list[dict[str, str]] = []

    def parse(cell: Cell) -> str:
        if not gathered:
            gathered.append(_choice_names(pairs, aliases or {}))
        known = gathered[0]
        typed = _words(text(cell))
        if typed in known:
            return known[typed]
        listed = ", ".join(f"{label} ({code})" for code, label in pairs)
        raise CellError(
            _("%(value)s is not one of the choices: %(choices)s.")
            % {"value": text(cell), "choices": listed}
        )

    return parse


def _choice_names(
    pairs: list[tuple[str, StrOrPromise]], aliases: Mapping[str, str]
) -> dict[str, str]:
    names = {_words(alias): code for alias, code in aliases.items()}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names |= {_words(str(label)): code for code, label in pairs}
    names |= {_words(code): code for code, _label in pairs}
    return names


def header_names(key: str, label: StrOrPromise) -> set[str]:
    """The headers that name a column: its API key, or its label in any of the
    portal's languages, compared as `_words` does."""
    names = {_words(key)}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(_words(str(label)))
    return names


def header_key(typed: str) -> str:
    return _words(typed)
