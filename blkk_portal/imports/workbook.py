"""The downloadable template of an import kind: an .xlsx to fill in.

The first sheet has one column per API key, in the header row, and nothing else:
an example row there would be imported with the rest if left in. Columns that
must keep what is typed (a NIK) are formatted as text ("@"), so Excel neither
turns a NIK into a number nor drops its 16th digit; short lists of values are
offered in a drop-down (other spellings are still accepted). The second sheet
explains each column, with an example, and the rules of the import. Every cell
goes through `blkk_portal.spreadsheets`, so nothing in it is a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from blkk_portal.spreadsheets import append_xlsx_row
from blkk_portal.templatetags.portal import angka

from .kinds import ImportKind
from .reading import MAX_FILE_BYTES, MAX_ROWS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit on the text of a list drop-down.
_LIST_LIMIT = 255


def template_workbook(kind: ImportKind, *, notes: Iterable[str] = ()) -> bytes:
    """The template of `kind` as .xlsx bytes; `notes` are the kind's own rules,
    listed under the columns on the second sheet."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = str(kind.title)[:31]
    append_xlsx_row(sheet, [column.key for column in kind.columns])
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(14, len(column.key) + 4)
        if column.as_text:
            dimension.number_format = "@"
        _offer(sheet, letter, column.offered)
    sheet.freeze_panes = "A2"
    _notes_sheet(workbook, kind, notes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _offer(sheet, letter: str, values: tuple) -> None:
    listed = ",".join(str(value) for value in values)
    if not values or len(listed) > _LIST_LIMIT or '"' in listed:
        return
    validation = DataValidation(
        type="list",
        formula1=f'"{listed}"',
        allow_blank=True,
        showErrorMessage=False,
    )
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")


def _notes_sheet(workbook: Workbook, kind: ImportKind, notes: Iterable[str]) -> None:
    sheet = workbook.create_sheet(_("Instructions")[:31])
    append_xlsx_row(
        sheet,
        [
            _("Column"),
            _("Also accepted as header"),
            _("Required"),
            _("What to type"),
            _("Example"),
        ],
    )
    for column in kind.columns:
        append_xlsx_row(
            sheet,
            [
                column.key,
                capfirst(str(column.label)),
                _("yes") if column.required else _("no"),
                str(column.hint),
                column.example,
            ],
        )
    append_xlsx_row(sheet, [])
    megabytes = MAX_FILE_BYTES // (1024 * 1024)
    rules = [
        _(
            "The first row names the columns (as on the first sheet). Each row "
            "under it is one record; empty rows are skipped."
        ),
        _(
            "Nothing is written until you confirm the preview, and nothing at all "
            "while any row has an error."
        ),
        _("At most %(rows)s rows and %(size)s MB per file.")
        % {"rows": angka(MAX_ROWS), "size": megabytes},
        _(
            "Dates as DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD, or as Excel dates; "
            "yes/no as ya or tidak, true or false, 1 or 0."
        ),
        _("Formulas are not read: type the values themselves."),
        *notes,
    ]
    for rule in rules:
        append_xlsx_row(sheet, [str(rule)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {"A": 18, "B": 28, "C": 10, "D": 60, "E": 24}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
