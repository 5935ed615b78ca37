"""The fixed-layout XLSX writer (`reports.xlsx`): what it writes reads back in
openpyxl as written, every part is well-formed XML, formulas never appear, and the
same workbook is the same bytes. The report's own sheets: test_files.py."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from defusedxml.ElementTree import fromstring
from openpyxl import load_workbook

from reports import xlsx

CREATED = datetime.datetime(2026, 5, 2, 3, 0, tzinfo=datetime.UTC)
STYLES = xlsx.Stylesheet()
BOLD = STYLES.add(bold=True, size=14)
MONTH = STYLES.add(number_format="mmmm yyyy", horizontal="left")
RUPIAH = STYLES.add(number_format='"Rp" #,##0')
COUNT = STYLES.add(number_format="#,##0")
PART = STYLES.add(indent=2, wrap=True, vertical="top")


def workbook_with_chart() -> xlsx.Workbook:
    workbook = xlsx.Workbook(STYLES)
    first = workbook.add_sheet("Figures", widths={1: 40, 2: 12.5}, freeze="B2")
    first.append([("Title", BOLD)])
    first.append([("Month", 0), (datetime.date(2026, 4, 1), MONTH)])
    first.append([])
    first.append([("Revenue", PART), (1_250_000, RUPIAH), (12.5, 0), (None, 0)])
    trend = workbook.add_sheet("It's a trend")
    trend.append([("Month", 0), ("Graduates", 0), ("Jobs", 0)])
    for month in (1, 2, 3):
        trend.append([(datetime.date(2026, month, 1), MONTH), (month, COUNT), (9, 0)])
    trend.charts += [
        xlsx.Chart(
            kind="line",
            title="Last months",
            series_columns=[2],
            category_column=1,
            last_row=4,
            anchor="E2",
            y_title="Count",
            x_title="Month",
            x_number_format="mmmm yyyy",
        ),
        xlsx.Chart(
            kind="bar",
            title="Jobs",
            series_columns=[3],
            category_column=1,
            last_row=4,
            anchor="E24",
        ),
    ]
    return workbook


def opened(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_cells_styles_widths_and_the_frozen_pane_read_back_as_written():
    book = opened(workbook_with_chart().to_bytes(created=CREATED))
    sheet = book["Figures"]

    assert book.sheetnames == ["Figures", "It's a trend"]
    assert (sheet["A1"].value, sheet["A1"].font.b, sheet["A1"].font.sz) == (
        "Title",
        True,
        14,
    )
    month = sheet["B2"]
    assert month.value.date() == datetime.date(2026, 4, 1)
    assert (month.number_format, month.alignment.horizontal) == ("mmmm yyyy", "left")
    assert sheet["A3"].value is None
    revenue, figure, fraction = sheet["A4"], sheet["B4"], sheet["C4"]
    assert (revenue.alignment.indent, revenue.alignment.wrap_text) == (2, True)
    assert (figure.value, figure.number_format) == (1_250_000, '"Rp" #,##0')
    assert (fraction.value, fraction.data_type) == (12.5, "n")
    assert sheet["D4"].value is None
    assert sheet.column_dimensions["A"].width == 40
    assert sheet.column_dimensions["B"].width == 12.5
    assert sheet.freeze_panes == "B2"
    assert book["It's a trend"].freeze_panes is None


def test_the_charts_read_back_over_their_ranges():
    trend = opened(workbook_with_chart().to_bytes(created=CREATED))["It's a trend"]

    line, bar = trend._charts
    assert (line.tagname, bar.tagname) == ("lineChart", "barChart")
    [series] = line.series
    assert series.tx.strRef.f == "'It''s a trend'!$B$1"
    assert series.val.numRef.f == "'It''s a trend'!$B$2:$B$4"
    assert series.cat.numRef.f == "'It''s a trend'!$A$2:$A$4"
    assert bar.series[0].val.numRef.f == "'It''s a trend'!$C$2:$C$4"
    # Shown, not deleted: Excel hides an axis that does not say so.
    assert line.x_axis.delete is False
    assert line.y_axis.delete is False


def test_every_part_is_well_formed_xml_and_declared():
    data = workbook_with_chart().to_bytes(created=CREATED)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        parts = {name: archive.read(name) for name in names}
    for content in parts.values():
        fromstring(content)  # raises on a part that is not well-formed
    types = parts["[Content_Types].xml"].decode()
    for name in names:
        if not name.endswith(".rels") and name != "[Content_Types].xml":
            assert f'PartName="/{name}"' in types, name
    assert "xl/charts/chart2.xml" in names
    assert "xl/drawings/drawing1.xml" in names


@pytest.mark.parametrize(
    "text", ["=1+1", '=HYPERLINK("http://x.example","x")', "+62", "-5", "@SUM(A1)"]
)
def test_a_text_that_starts_like_a_formula_is_quoted_text_never_a_formula(text):
    workbook = xlsx.Workbook(STYLES)
    workbook.add_sheet("S").append([(text, 0), (text, BOLD), (-5, 0)])

    sheet = opened(workbook.to_bytes(created=CREATED))["S"]

    for cell in (sheet["A1"], sheet["B1"]):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert sheet["B1"].font.b
    assert (sheet["C1"].value, sheet["C1"].data_type) == (-5, "n")


def test_text_keeps_its_spaces_and_escapes_and_loses_characters_xml_cannot_hold():
    workbook = xlsx.Workbook(STYLES)
    workbook.add_sheet("S & <T>").append([('  a < b & "c"  ', 0), ("x\x00y\x1b", 0)])

    book = opened(workbook.to_bytes(created=CREATED))

    assert book.sheetnames == ["S & <T>"]
    assert book["S & <T>"]["A1"].value == '  a < b & "c"  '
    assert book["S & <T>"]["B1"].value == "xy"
    assert book["S & <T>"]["A1"].quotePrefix is False


def test_the_same_workbook_is_the_same_bytes():
    first = workbook_with_chart().to_bytes(created=CREATED)
    again = workbook_with_chart().to_bytes(created=CREATED)
    later = workbook_with_chart().to_bytes(created=CREATED + datetime.timedelta(1))

    assert first == again
    assert first != later


def test_a_value_with_no_cell_type_is_refused():
    sheet = xlsx.Workbook(STYLES).add_sheet("S")

    with pytest.raises(TypeError, match="No cell for dict"):
        sheet.append([({"a": 1}, 0)])


def test_styles_are_declared_before_the_first_workbook():
    styles = xlsx.Stylesheet()
    styles.add(bold=True)
    assert "<b/>" in styles.xml

    with pytest.raises(RuntimeError, match="before the first workbook"):
        styles.add(indent=1)
