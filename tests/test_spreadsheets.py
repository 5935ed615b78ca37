"""Spreadsheet-safe cells (blkk_portal/spreadsheets.py): text that starts like a
formula is text in XLSX and CSV; numbers stay numbers."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from blkk_portal.spreadsheets import (
    SafeCsvWriter,
    SafeXlsxWorkbook,
    append_xlsx_row,
    safe_csv_cell,
)

FORMULA_LIKE = [
    '=HYPERLINK("http://x.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
]
PLAIN = ["BLKK Al-Ikhlas", "32.73", "", "a=b", " =1"]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_csv_cells_that_start_like_a_formula_get_an_apostrophe(text):
    assert safe_csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [*PLAIN, -5, 0, 12.5, None])
def test_other_csv_cells_are_unchanged(value):
    assert safe_csv_cell(value) == value


def test_a_csv_written_safely_reads_back_as_text_and_numbers():
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerow([*FORMULA_LIKE, -5])

    (row,) = csv.reader(io.StringIO(buffer.getvalue(), newline=""))

    assert row == [*("'" + text for text in FORMULA_LIKE), "-5"]


def _written_and_read_back(values):
    workbook = Workbook()
    append_xlsx_row(workbook.active, values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return list(load_workbook(buffer).active[1])


def test_xlsx_text_that_starts_like_a_formula_is_a_text_cell():
    cells = _written_and_read_back(FORMULA_LIKE + PLAIN[:2])

    # XML reads a carriage return back as a line feed.
    written = [text.replace("\r", "\n") for text in FORMULA_LIKE + PLAIN[:2]]
    assert [cell.value for cell in cells] == written
    assert {cell.data_type for cell in cells} == {"s"}
    assert all(cell.quotePrefix for cell in cells[: len(FORMULA_LIKE)])


def test_xlsx_numbers_stay_numbers_negative_ones_too():
    cells = _written_and_read_back([-5, 0, 12.5])

    assert [(cell.value, cell.data_type) for cell in cells] == [
        (-5, "n"),
        (0, "n"),
        (12.5, "n"),
    ]


def test_xlsx_drops_characters_a_workbook_cannot_hold_instead_of_failing():
    (cell,) = _written_and_read_back(["BLKK\x01\x0b Baru"])
    assert cell.value == "BLKK Baru"


PORTAL_CODE = ["blkk_portal", "training", "incubator", "mentoring", "reports"]
ROOT = Path(__file__).resolve().parent.parent


def _portal_modules():
    for package in PORTAL_CODE:
        for module in (ROOT / package).rglob("*.py"):
            if "migrations" not in module.parts:
                yield module


def test_every_module_that_writes_a_spreadsheet_goes_through_the_safe_writers():
    """A new export that used `csv.writer` or openpyxl directly would write
    formulas again: it must use blkk_portal.spreadsheets."""
    unsafe = []
    for module in _portal_modules():
        if module == ROOT / "blkk_portal" / "spreadsheets.py":
            continue
        source = module.read_text()
        writes_csv = "csv.writer(" in source or "csv.DictWriter(" in source
        uses_openpyxl = "openpyxl" in source
        # XlsxWriter turns a text that starts with "=" into a formula unless told
        # otherwise: only SafeXlsxWorkbook may use it.
        uses_xlsxwriter = "import xlsxwriter" in source
        safe_import = "blkk_portal.spreadsheets" in source
        if (
            writes_csv
            or uses_xlsxwriter
            or "sheet.append(" in source
            or (uses_openpyxl and not safe_import)
        ):
            unsafe.append(str(module.relative_to(ROOT)))
    assert unsafe == []


CREATED = datetime.datetime(2026, 5, 2, 3, 0, tzinfo=datetime.UTC)


def _safe_workbook_read_back(rows, **sheet_options):
    workbook = SafeXlsxWorkbook(created=CREATED)
    sheet = workbook.add_sheet("S & <T>", **sheet_options)
    for row in rows:
        sheet.add_row(row)
    return load_workbook(io.BytesIO(workbook.to_bytes()))["S & <T>"]


@pytest.mark.parametrize("text", FORMULA_LIKE[:4])
def test_safe_workbook_text_that_starts_like_a_formula_is_quoted_text(text):
    sheet = _safe_workbook_read_back([[(text, {}), (text, {"bold": True}), (-5, {})]])

    for cell in (sheet["A1"], sheet["B1"]):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert sheet["B1"].font.b
    assert (sheet["C1"].value, sheet["C1"].data_type) == (-5, "n")


def test_safe_workbook_keeps_text_as_text_and_drops_what_xml_cannot_hold():
    sheet = _safe_workbook_read_back(
        [[('  a < b & "c"  ', {}), ("x\x00y\x1b", {}), ("0812", {}), ("1e3", {})]]
    )

    assert [cell.value for cell in sheet[1]] == ['  a < b & "c"  ', "xy", "0812", "1e3"]
    assert {cell.data_type for cell in sheet[1]} == {"s"}
    assert sheet["A1"].quotePrefix is False


def test_safe_workbook_writes_numbers_dates_formats_widths_and_the_frozen_pane():
    month = {"num_format": "mmmm yyyy", "align": "left"}
    sheet = _safe_workbook_read_back(
        [
            [("Title", {"bold": True, "font_size": 14})],
            [("Month", {}), (datetime.date(2026, 4, 1), month)],
            [],
            [("Revenue", {"indent": 2}), (1_250_000, {"num_format": '"Rp" #,##0'})],
            [(12.5, {}), (None, {}), (True, {})],
        ],
        widths={1: 40, 2: 12.5},
        freeze="B2",
    )

    assert (sheet["A1"].font.b, sheet["A1"].font.sz) == (True, 14)
    assert sheet["B2"].value.date() == datetime.date(2026, 4, 1)
    assert (sheet["B2"].number_format, sheet["B2"].alignment.horizontal) == (
        "mmmm yyyy",
        "left",
    )
    assert sheet["A3"].value is None
    assert sheet["A4"].alignment.indent == 2
    assert (sheet["B4"].value, sheet["B4"].number_format) == (1_250_000, '"Rp" #,##0')
    assert [cell.value for cell in sheet[5]] == [12.5, None, True]
    assert sheet.column_dimensions["A"].width == pytest.approx(40, abs=1)
    assert sheet.column_dimensions["B"].width == pytest.approx(12.5, abs=1)
    assert sheet.freeze_panes == "B2"


def test_safe_workbook_refuses_a_value_with_no_cell_type():
    sheet = SafeXlsxWorkbook(created=CREATED).add_sheet("S")

    with pytest.raises(TypeError, match="No cell for dict"):
        sheet.add_row([({"a": 1}, {})])
