"""Reading an uploaded spreadsheet into rows of cells, within limits.

XLSX is read with openpyxl in read-only mode with `data_only=False`, so a formula is
seen as a formula (and refused on its row), never evaluated, and its cached result
never taken for a value; a number stays a number, so a NIK typed as a number can be
told from one typed as text. (tablib and django-import-export read XLSX with
`data_only=True`: a formula arrives as Excel's last result, or empty.) CSV is read
with the csv module: UTF-8 (with or without a byte-order mark) or UTF-16 with one,
else Windows-1252 (Excel's "CSV" on Windows) with a notice; `;`, `,` or tab,
whichever the header row uses.

Limits, each refused with a message (`FileRefused`), never an error page: 5 MB; 5,000
data rows; an .xlsx that unpacks to more than 100 MB or holds more than 1,000 parts
(a zip bomb); a sheet that goes on past row 50,000 (empty rows too); CSV text with
control characters (a binary file named .csv) or a cell longer than the csv
module's limit; .xls and other types. Only the first 50 columns are read. The XML
inside an .xlsx is parsed by defusedxml (openpyxl uses it when installed), which
refuses entity declarations.

The first row with anything in it is the header: each cell names a column by its
API key or the portal's label (any case, spaces or underscores); a column the kind
does not know is reported and ignored, a column named twice or a required column
missing refuses the file. Rows empty in every known column are skipped. Each row
keeps its number in the sheet, as Excel shows it.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from blkk_portal.spreadsheets import read_workbook
from blkk_portal.templatetags.portal import angka

from . import cells
from .cells import Cell
from .kinds import Column

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50
MAX_SHEET_ROWS = 50_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_PARTS = 1000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileRefused(Exception):
    """The file cannot be imported at all; `message` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    line: int
    cells: dict[str, Cell]


@dataclass
class Table:
    rows: list[SheetRow] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def unreadable() -> FileRefused:
    return FileRefused(
        _(
            "This file cannot be read as a spreadsheet. Save it from Excel as an "
            "Excel Workbook (.xlsx) or as CSV, and upload it again."
        )
    )


def read_table(
    upload: IO[bytes],
    *,
    name: str,
    size: int,
    columns: Sequence[Column],
    max_rows: int = MAX_ROWS,
) -> Table:
    """The rows of `upload` (a file named `name` of `size` bytes) under the
    columns it names among `columns`; raises FileRefused."""
    if size == 0:
        raise FileRefused(_("The file is empty."))
    if size > MAX_FILE_BYTES:
        raise FileRefused(too_large())
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = upload.read(8)
    upload.seek(0)
    table = Table()
    if extension == "xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _(
                "Old Excel files (.xls) cannot be read. In Excel, choose Save As, "
                "Excel Workbook (.xlsx), and upload that file."
            )
        )
    if extension in ("xlsx", "xlsm"):
        if not head.startswith(b"PK"):
            raise unreadable()
        grid = _xlsx_grid(upload)
    elif extension in ("csv", "txt"):
        grid = _csv_grid(upload.read(), table.notices)
    else:
        raise FileRefused(_("Upload an Excel Workbook (.xlsx) or a CSV file (.csv)."))
    _fill(table, grid, columns, max_rows)
    return table


def too_large() -> str:
    megabytes = MAX_FILE_BYTES // (1024 * 1024)
    return _(
        "The file is larger than %(size)s MB. Split it into smaller files and "
        "import each."
    ) % {"size": megabytes}


def too_many_rows(max_rows: int) -> str:
    return ngettext(
        "The file has more than %(count)s row. Split it into smaller files and "
        "import each.",
        "The file has more than %(count)s rows. Split it into smaller files and "
        "import each.",
        max_rows,
    ) % {"count": angka(max_rows)}


# --- filling the table from a grid of cells -------------------------------------------

Grid = Iterator[tuple[int, list[Cell | None]]]


def _fill(table: Table, grid: Grid, columns: Sequence[Column], max_rows: int) -> None:
    header: dict[int, Column] | None = None
    headed: set[int] = set()
    unnamed_with_data: set[int] = set()
    for line, row in grid:
        if header is None:
            if any(cell is not None for cell in row):
                header = _header(row, columns, table.notices)
                headed = {i for i, cell in enumerate(row) if cell is not None}
            continue
        values = {
            header[index].key: cell
            for index, cell in enumerate(row)
            if cell is not None and index in header
        }
        unnamed_with_data |= {
            index
            for index, cell in enumerate(row)
            if cell is not None and index not in headed
        }
        if not values:
            continue
        if len(table.rows) == max_rows:
            raise FileRefused(too_many_rows(max_rows))
        table.rows.append(SheetRow(line=line, cells=values))
    if header is None:
        raise FileRefused(_("The file is empty."))
    if not table.rows:
        raise FileRefused(
            _("The file has no rows under its header row: nothing to import.")
        )
    if unnamed_with_data:
        letters = ", ".join(get_column_letter(i + 1) for i in sorted(unnamed_with_data))
        table.notices.append(
            _("Columns without a header are ignored: %(columns)s.")
            % {"columns": letters}
        )


def _header(
    row: list[Cell | None], columns: Sequence[Column], notices: list[str]
) -> dict[int, Column]:
    names = {name: column for column in columns for name in column.header_names()}
    header: dict[int, Column] = {}
    seen: dict[str, list[str]] = {}
    for index, cell in enumerate(row):
        if cell is None:
            continue
        typed = cells.text(cell)
        column = names.get(cells.header_key(typed))
        letter = get_column_letter(index + 1)
        if column is None:
            notices.append(
                _(
                    "The column %(header)s (%(letter)s) is not one of the "
                    "template's; it is ignored."
                )
                % {"header": typed[:60], "letter": letter}
            )
            continue
        header[index] = column
        seen.setdefault(column.key, []).append(letter)
    twice = {key: letters for key, letters in seen.items() if len(letters) > 1}
    if twice:
        key, letters = next(iter(twice.items()))
        raise FileRefused(
            _("Columns %(letters)s all name %(column)s: keep one of them.")
            % {"letters": ", ".join(letters), "column": key}
        )
    missing = [
        column for column in columns if column.required and column.key not in seen
    ]
    if missing:
        raise FileRefused(
            _(
                "The first row must name the columns, as the template does; these "
                "are missing: %(columns)s."
            )
            % {"columns": ", ".join(column.key for column in missing)}
        )
    return header


# --- XLSX -----------------------------------------------------------------------------


def _xlsx_grid(upload: IO[bytes]) -> Grid:
    _check_archive(upload)
    try:
        workbook = read_workbook(upload)
    except Exception as error:
        # Whatever a damaged or hostile file makes openpyxl raise, the answer is
        # the same: it cannot be read.
        logger.info("unreadable xlsx: %r", error)
        raise unreadable() from None
    return _xlsx_rows(workbook)


def _xlsx_rows(workbook) -> Grid:
    try:
        if not workbook.worksheets:
            raise unreadable()
        sheet = workbook.worksheets[0]
        # The dimension the file declares may be wrong (or huge): rows are read as
        # they come, up to the last one present.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS)
        for line, row in enumerate(rows, start=1):
            if line > MAX_SHEET_ROWS:
                raise FileRefused(past_last_row())
            yield line, [_xlsx_cell(cell) for cell in row]
    except FileRefused:
        raise
    except Exception as error:
        logger.info("unreadable xlsx: %r", error)
        raise unreadable() from None
    finally:
        workbook.close()


def past_last_row() -> str:
    return _(
        "The sheet goes on past row %(row)s (empty rows too): delete the rows "
        "under your data, or split the file."
    ) % {"row": angka(MAX_SHEET_ROWS)}


def _check_archive(upload: IO[bytes]) -> None:
    """An .xlsx is a zip: refuse one that would unpack to far more than any sheet
    of 5,000 rows needs, before openpyxl reads it. The sizes are the archive's own
    declarations, which the zip module also holds each part to as it unpacks."""
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise unreadable() from None
    finally:
        upload.seek(0)
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_ZIP_PARTS or unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused(
            _(
                "This workbook unpacks to far more than a sheet of %(rows)s rows "
                "needs. Copy the data into the template and upload that."
            )
            % {"rows": angka(MAX_ROWS)}
        )


def _xlsx_cell(cell) -> Cell | None:
    value = getattr(cell, "value", None)
    if value is None:
        return None
    data_type = getattr(cell, "data_type", "n")
    if data_type == "f":
        return Cell(value, "formula")
    if data_type == "e":
        return Cell(value, "error")
    if isinstance(value, bool):
        return Cell(value, "bool")
    if isinstance(value, datetime.datetime | datetime.date):
        return Cell(value, "date")
    if isinstance(value, int | float):
        return Cell(value, "number")
    if isinstance(value, str):
        return Cell(value, "text") if value.strip() else None
    # Times and durations: not a value any column takes.
    return Cell(str(value), "number")


# --- CSV ------------------------------------------------------------------------------


def _csv_grid(data: bytes, notices: list[str]) -> Grid:
    text = _decode(data, notices)
    if _CONTROL.search(text):
        raise FileRefused(
            _(
                "This file is not a CSV text file (it holds characters text does "
                "not). Save it from Excel as CSV, or upload the .xlsx."
            )
        )
    delimiter = _delimiter(text)
    return _csv_rows(text, delimiter)


def _csv_rows(text: str, delimiter: str) -> Grid:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    try:
        for line, record in enumerate(reader, start=1):
            if line > MAX_SHEET_ROWS:
                raise FileRefused(past_last_row())
            yield line, [_csv_cell(value) for value in record[:MAX_COLUMNS]]
    except csv.Error:
        raise FileRefused(
            _(
                "Row %(row)s of the file cannot be read: a cell is too long or a "
                "quote is not closed."
            )
            % {"row": line + 1}
        ) from None


def _csv_cell(value: str) -> Cell | None:
    if not value.strip():
        return None
    if value.lstrip().startswith("="):
        return Cell(value.strip(), "formula")
    return Cell(value, "text")


def _decode(data: bytes, notices: list[str]) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    notices.append(
        _(
            "The file is not in UTF-8; it was read as Windows-1252 (Excel's CSV on "
            "Windows). Check names with accents in the preview."
        )
    )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FileRefused(
            _(
                "The file says it is %(encoding)s but is not: save it from Excel "
                "as CSV UTF-8 again."
            )
            % {"encoding": encoding.upper()}
        ) from None


def _delimiter(text: str) -> str:
    """`;`, `,` or a tab: whichever the first non-empty line holds most of outside
    quotes (Excel in Indonesian writes `;`, since `,` is the decimal mark)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts: dict[str, int] = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for character in first:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    best = max(counts, key=lambda sep: (counts[sep], sep == ","))
    return best if counts[best] else ","


def cell_problem(cell: Cell) -> str | None:
    """The message for a cell no column reads: a formula or an error value."""
    if cell.type == "formula":
        return _(
            "This cell holds a formula (%(formula)s). Formulas are not read: type "
            "the value itself."
        ) % {"formula": _shorten(cell.value)}
    if cell.type == "error":
        return _("This cell shows an error (%(error)s): type the value itself.") % {
            "error": _shorten(cell.value)
        }
    return None


def _shorten(value: Any, limit: int = 40) -> str:
    text = str(getattr(value, "text", value))
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
