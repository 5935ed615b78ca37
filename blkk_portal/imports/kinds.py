"""What an import kind declares, and the registry of kinds.

A kind (`ImportKind` subclass, registered with `register`) says:

- `name`: its key in the registry and on each job ("training.trainees").
- `columns`: the spreadsheet's columns (`Column`): the API key, the portal's label
  (either is accepted as a header, in any of the portal's languages), the parser
  that reads a cell into the API's value (`blkk_portal.imports.cells`), whether
  the header must be there.
- `context(owner_key=..., by=...)`: what checking and writing need (the BLKK the
  rows go to), built again for the preview, the confirmation and the run; raises
  `ImportRefused` when `by` may not import there (any more).
- `check(rows, context)`: every row's errors at once, in a fixed number of queries
  (never one per row), with the messages the API gives for the same values, and
  the rows across each other (two rows with one NIK: both); returns a `Checked`
  holding the errors by line and, when there are none, each row's cleaned values
  for `write`.
- `write(cleaned, context, by=..., progress=...)`: store every row through the
  app's services; called inside one transaction, so raising stores nothing; calls
  `progress(rows_done)` every chunk; returns the number of rows written.

Rows reach `check` as `Row(line, values)`: `line` is the row's number in the
spreadsheet (as Excel shows it), `values` the columns that had a readable cell,
as an API client would send them. A column whose cell could not be read is left
out of `values` and its message is already on the row: `check` may report the
column missing ("This field is required."), and the engine keeps only the cell's
message there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS

from blkk_portal.numbers import is_ascii_digits

from . import cells

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from blkk_portal.accounts.models import User

# Errors of a row that belong to no column (two rows with one key, a rule across
# columns) are kept under Django's key for them.
ROW = NON_FIELD_ERRORS


class ImportRefused(Exception):
    """The import cannot go on (the user no longer may, the job is not in a state
    to confirm); `message` is for the user."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise
    parse: cells.Parser = cells.text
    # The header must be in the file (the cells may still be empty: the kind says
    # whether a value is needed, with the API's message).
    required: bool = False
    # The template formats the column as text, so Excel keeps what is typed.
    as_text: bool = False
    # Accepted values and an example, for the template's notes sheet.
    hint: StrOrPromise = ""
    example: str = ""
    # A short list of values the template offers in a drop-down (not enforced).
    offered: tuple[StrOrPromise, ...] = ()

    def header_names(self) -> set[str]:
        return cells.header_names(self.key, self.label)


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, Any]


@dataclass(frozen=True)
class Problem:
    """One message about a row, with a link to where it can be put right."""

    text: str
    url: str = ""
    link: str = ""

    def as_json(self) -> dict[str, str]:
        data = {"text": self.text}
        if self.url:
            data |= {"url": self.url, "link": self.link}
        return data


# column key (or ROW) -> its problems
RowErrors = dict[str, list[Problem]]


@dataclass
class Checked:
    """What `ImportKind.check` found: each bad row's errors by line; and, when no
    row is bad, each row's cleaned values in the rows' order, for `write`; and
    any `notices` for the preview."""

    errors: dict[int, RowErrors] = field(default_factory=dict)
    cleaned: list[Any] = field(default_factory=list)
    # What the preview says about the file as a whole besides its errors (rows
    # that replace stored figures), shown above its rows.
    notices: list[str] = field(default_factory=list)

    def add(self, line: int, column: str, message: StrOrPromise | Problem) -> None:
        problem = message if isinstance(message, Problem) else Problem(str(message))
        self.errors.setdefault(line, {}).setdefault(column, []).append(problem)


def lines_sharing(rows: Iterable[Row], key: Callable[[Row], Any]) -> dict[int, list]:
    """For each row whose `key` (None: not compared) another row shares: the other
    rows' lines. Both rows of a pair are reported, each naming the other."""
    by_value: dict[Any, list[int]] = defaultdict(list)
    for row in rows:
        value = key(row)
        if value is not None:
            by_value[value].append(row.line)
    shared: dict[int, list] = {}
    for lines in by_value.values():
        if len(lines) > 1:
            for line in lines:
                shared[line] = [other for other in lines if other != line]
    return shared


class ImportKind(ABC):
    name: ClassVar[str]
    title: ClassVar[StrOrPromise]
    columns: ClassVar[tuple[Column, ...]]
    # The column that names a row in the list of problems ("full_name").
    title_column: ClassVar[str] = ""

    @abstractmethod
    def context(self, *, owner_key: str, by: User) -> Any: ...

    @abstractmethod
    def check(self, rows: Sequence[Row], context: Any) -> Checked: ...

    @abstractmethod
    def write(
        self,
        cleaned: Sequence[Any],
        context: Any,
        *,
        by: User | None,
        progress: Callable[[int], None],
        reason: str,
    ) -> int: ...


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    """Make `kind` known by its name (call from the app's `AppConfig.ready`, so a
    worker knows it too)."""
    _KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> ImportKind:
    return _KINDS[name]


def owner_row(queryset, owner_key: str):
    """The row an owner key names by its primary key (ASCII digits that fit a
    bigint), or None: a key is typed into URLs, so anything else names nothing."""
    if not is_ascii_digits(owner_key) or len(owner_key) >= 19:
        return None
    return queryset.filter(pk=int(owner_key)).first()
