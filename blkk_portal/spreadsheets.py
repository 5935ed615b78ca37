"""Spreadsheet-safe cells: what the portal writes to XLSX and CSV is never run.

A value that people typed (a BLKK's name, a venture's) can start like a formula:
`=HYPERLINK("http://x.example","click")`. Opened in a spreadsheet, a formula cell
runs: it can send the sheet's data away or start a program. Every XLSX and CSV the
portal writes goes through this module, and future imports and exports reuse it:

- XLSX: every string is a text cell (openpyxl makes a string that starts with `=`
  a formula unless told otherwise); a text that starts like a formula is also
  marked "quote prefix", as Excel does for a typed `'=`, so editing it keeps it
  text. Characters XML cannot hold are dropped instead of failing the file.
- CSV: a text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets
  a leading apostrophe (OWASP's advice): spreadsheet programs then show it as text.

Numbers stay numbers: a negative amount is a number cell, not text.

The progress reports' workbooks, thousands a month, are written with XlsxWriter
(`SafeXlsxWorkbook`): it streams the package without openpyxl's object model (less than
half the time per file: about 9 ms against 22) and writes the same safe cells.

Reading (`read_workbook`, for imports) sees formulas as formulas and never takes
their cached results (`blkk_portal.imports.reading` refuses them).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.workbook import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_csv_cell(value: object) -> object:
    """`value`, with an apostrophe in front when it is text that starts like a
    formula; numbers and other text unchanged."""
    return f"'{value}" if starts_like_formula(value) else value


class SafeCsvWriter:
    """`csv.writer` whose rows are made of spreadsheet-safe cells."""

    def __init__(self, stream, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, values: Iterable[object]) -> None:
        # `safe_csv_cell`, inlined: a call per cell cost a sixth of the CPU time of
        # the trainees' export (training/exports.py, 0.81 -> 0.68 s for 60,000 rows).
        self._writer.writerow(
            [
                f"'{value}"
                if isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
                else value
                for value in values
            ]
        )

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_cell(sheet, value: object) -> Cell:
    """A cell of `sheet` holding `value`: text as a text cell, never a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = Cell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if starts_like_formula(value):
            cell.quotePrefix = True
    return cell


def append_xlsx_row(sheet, values: Iterable[object]) -> None:
    """`sheet.append(values)` with spreadsheet-safe cells."""
    sheet.append([xlsx_cell(sheet, value) for value in values])


# An XlsxWriter format, as its properties ({"bold": True, "num_format": "#,##0"}).
Style = dict[str, Any]
PLAIN: Style = {}


class SafeXlsxWorkbook:
    """An XLSX workbook written in memory with XlsxWriter, whose cells are safe:
    text is always a text cell (never a formula, a number or a link), a text that
    starts like a formula is also marked "quote prefix", characters XML cannot
    hold are dropped. The same content and `created` give the same bytes
    (XlsxWriter dates the archive's members 1980-01-01)."""

    def __init__(self, *, created: datetime.datetime) -> None:
        # Imported here: only the report workers write workbooks, and every web
        # process would otherwise carry its 3 MB (docs/performance-export.md).
        import xlsxwriter

        self._buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self._buffer,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "remove_timezone": True,
            },
        )
        self.book.set_properties({"created": created})
        self._formats: dict[tuple, Any] = {}

    def format(self, style: Style, *, quoted: bool = False):
        """The workbook's one format for `style` (a quote-prefixed twin if
        `quoted`); None for a plain cell."""
        properties = {**style, "quote_prefix": True} if quoted else style
        if not properties:
            return None
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.book.add_format(properties)
        return self._formats[key]

    def add_sheet(
        self, title: str, *, widths: dict[int, float] | None = None, freeze: str = ""
    ) -> SafeXlsxSheet:
        """A sheet; `widths` by column number (1 is A), `freeze` the top-left cell
        of the scrolling pane ("C2")."""
        worksheet = self.book.add_worksheet(title)
        for column, width in (widths or {}).items():
            worksheet.set_column(column - 1, column - 1, width)
        if freeze:
            worksheet.freeze_panes(freeze)
        return SafeXlsxSheet(self, worksheet)

    def to_bytes(self) -> bytes:
        self.book.close()
        return self._buffer.getvalue()


class SafeXlsxSheet:
    """A sheet of a `SafeXlsxWorkbook`, written a row at a time."""

    def __init__(self, workbook: SafeXlsxWorkbook, worksheet) -> None:
        self.workbook = workbook
        self.worksheet = worksheet
        self.rows = 0

    @property
    def name(self) -> str:
        return self.worksheet.get_name()

    def add_row(self, cells: Sequence[tuple[object, Style]]) -> None:
        """A row of (value, style) cells; None leaves a cell empty."""
        for column, (value, style) in enumerate(cells):
            if value is not None:
                self._write(column, value, style)
        self.rows += 1

    def _write(self, column: int, value: object, style: Style) -> None:
        row, sheet = self.rows, self.worksheet
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            quoted = starts_like_formula(text)
            sheet.write_string(
                row, column, text, self.workbook.format(style, quoted=quoted)
            )
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, self.workbook.format(style))
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row, column, value, self.workbook.format(style))
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value, self.workbook.format(style))
        else:
            raise TypeError(f"No cell for {type(value).__name__} {value!r}.")


def read_workbook(stream) -> Workbook:
    """An uploaded workbook, opened to be read row by row (read-only: rows are
    parsed as they are asked for) with formulas kept as formulas (`data_only=False`:
    a formula cell's type is "f" and its value the formula's text, never a result)
    and links to other workbooks dropped. The caller closes it."""
    return load_workbook(stream, read_only=True, data_only=False, keep_links=False)
