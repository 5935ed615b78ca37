"""Reading uploads (blkk_portal/imports/reading.py): XLSX cells keep their types and
formulas are seen, not evaluated; CSV in the encodings and separators Excel
writes; headers by key or label; every hostile or wrong file is refused with a
message."""

from __future__ import annotations

import codecs
import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override

from blkk_portal.imports import reading
from blkk_portal.imports.reading import FileRefused, read_table
from tests.imports.kinds import THINGS
from tests.imports.sheets import csv_text, csv_upload, xlsx_bytes, xlsx_upload, zip_bomb

HEADER = ["code", "name", "born", "active", "colour"]
# Excel's dates are naive: a day and a time, no zone.
NAIVE_BIRTH = datetime.datetime(1998, 5, 17)  # noqa: DTZ001


def read(upload, **kwargs):
    return read_table(
        upload, name=upload.name, size=upload.size, columns=THINGS.columns, **kwargs
    )


def refusal(upload, **kwargs) -> str:
    with pytest.raises(FileRefused) as refused:
        read(upload, **kwargs)
    return refused.value.message


def cells_of(table, line):
    (row,) = [row for row in table.rows if row.line == line]
    return {key: (cell.value, cell.type) for key, cell in row.cells.items()}


def test_xlsx_cells_keep_their_types_and_a_formula_is_seen_not_evaluated():
    born = NAIVE_BIRTH
    upload = xlsx_upload(
        [HEADER, [3273014107980001, "Ayu", born, True, "=A1"], ["A-2", "Budi"]]
    )

    table = read(upload)

    assert cells_of(table, 2) == {
        "code": (3273014107980001, "number"),
        "name": ("Ayu", "text"),
        "born": (born, "date"),
        "active": (True, "bool"),
        "colour": ("=A1", "formula"),
    }
    assert cells_of(table, 3) == {"code": ("A-2", "text"), "name": ("Budi", "text")}


def test_headers_are_keys_or_labels_in_any_language_case_and_spacing():
    upload = xlsx_upload(
        [
            [" CODE ", "Full_Name", "Birth  Date", "AKTIF", "warna"],
            ["x", "y", None, 1, "red"],
        ]
    )

    table = read(upload)

    assert set(cells_of(table, 2)) == {"code", "name", "active", "colour"}
    assert table.notices == []


def test_an_unknown_column_is_reported_and_ignored():
    upload = xlsx_upload([["code", "name", "catatan"], ["x", "y", "z"]])

    table = read(upload)

    assert cells_of(table, 2) == {"code": ("x", "text"), "name": ("y", "text")}
    with override("en"):
        table = read(xlsx_upload([["code", "name", "catatan"], ["x", "y", "z"]]))
    assert table.notices == [
        "The column catatan (C) is not one of the template's; it is ignored."
    ]


def test_data_under_no_header_is_reported(english):
    table = read(xlsx_upload([["code", "name"], ["x", "y", "stray"]]))

    assert table.notices == ["Columns without a header are ignored: C."]


def test_a_missing_required_column_refuses_the_file(english):
    message = refusal(xlsx_upload([["code", "born"], ["x", None]]))

    assert message == (
        "The first row must name the columns, as the template does; these are "
        "missing: name."
    )


def test_a_column_named_twice_refuses_the_file(english):
    message = refusal(xlsx_upload([["code", "name", "Full name"], ["x", "y", "z"]]))

    assert message == "Columns B, C all name name: keep one of them."


def test_empty_rows_are_skipped_and_rows_keep_their_sheet_numbers():
    upload = xlsx_upload([[], HEADER, ["a", "b"], [], [None, None, None], ["c", "d"]])

    table = read(upload)

    assert [row.line for row in table.rows] == [3, 6]


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (csv_upload(b""), "The file is empty."),
        (xlsx_upload([]), "The file is empty."),
        (csv_upload("\r\n\r\n"), "The file is empty."),
        (
            xlsx_upload([HEADER]),
            "The file has no rows under its header row: nothing to import.",
        ),
        (
            csv_upload("code,name\r\n"),
            "The file has no rows under its header row: nothing to import.",
        ),
    ],
)
def test_an_empty_file_or_one_with_only_headers_is_refused(english, upload, expected):
    assert refusal(upload) == expected


def test_a_file_over_5_mb_is_refused_before_it_is_read(english):
    upload = csv_upload("code,name\r\n" + "x,y\r\n" * 10)

    with pytest.raises(FileRefused) as refused:
        read_table(
            upload,
            name="big.csv",
            size=reading.MAX_FILE_BYTES + 1,
            columns=THINGS.columns,
        )

    assert refused.value.message == (
        "The file is larger than 5 MB. Split it into smaller files and import each."
    )


def test_more_rows_than_the_limit_are_refused(english):
    rows = "".join(f"c{n},n{n}\r\n" for n in range(11))

    message = refusal(csv_upload("code,name\r\n" + rows), max_rows=10)

    assert message == (
        "The file has more than 10 rows. Split it into smaller files and import each."
    )


def test_five_thousand_rows_are_read_and_one_more_is_refused(english):
    body = "".join(f"c{n},n{n}\r\n" for n in range(reading.MAX_ROWS))

    assert len(read(csv_upload("code,name\r\n" + body)).rows) == reading.MAX_ROWS
    assert "more than 5,000 rows" in refusal(csv_upload("code,name\r\n" + body + "x,y"))


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (
            SimpleUploadedFile(
                "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
            ),
            "Old Excel files (.xls) cannot be read. In Excel, choose Save As, Excel "
            "Workbook (.xlsx), and upload that file.",
        ),
        (
            SimpleUploadedFile("renamed.xlsx", b"\xd0\xcf\x11\xe0" + b"\0" * 100),
            "Old Excel files (.xls) cannot be read. In Excel, choose Save As, Excel "
            "Workbook (.xlsx), and upload that file.",
        ),
        (
            SimpleUploadedFile("random.xlsx", bytes(range(256)) * 4),
            "This file cannot be read as a spreadsheet. Save it from Excel as an "
            "Excel Workbook (.xlsx) or as CSV, and upload it again.",
        ),
        (
            SimpleUploadedFile("not-a-workbook.xlsx", b"PK\x03\x04garbage" * 10),
            "This file cannot be read as a spreadsheet. Save it from Excel as an "
            "Excel Workbook (.xlsx) or as CSV, and upload it again.",
        ),
        (
            SimpleUploadedFile("random.csv", bytes(range(256)) * 4),
            "This file is not a CSV text file (it holds characters text does not). "
            "Save it from Excel as CSV, or upload the .xlsx.",
        ),
        (
            SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100),
            "Upload an Excel Workbook (.xlsx) or a CSV file (.csv).",
        ),
        (
            SimpleUploadedFile("sheet.ods", b"PK\x03\x04" + b"\0" * 100),
            "Upload an Excel Workbook (.xlsx) or a CSV file (.csv).",
        ),
    ],
)
def test_other_and_broken_files_are_refused_with_a_message(english, upload, expected):
    assert refusal(upload) == expected


def test_a_zip_bomb_is_refused_before_it_is_unpacked(english):
    message = refusal(zip_bomb(unpacked_mb=120))

    assert message.startswith("This workbook unpacks to far more than a sheet")


def test_a_workbook_whose_xml_declares_entities_is_refused(english):
    good = xlsx_bytes([HEADER, ["a", "b"]])
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as source,
        zipfile.ZipFile(buffer, "w") as out,
    ):
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', b""
                )
                data = laughs.encode() + data.replace(b"<t>b</t>", b"<t>&lol2;</t>")
            out.writestr(part, data)

    message = refusal(SimpleUploadedFile("laughs.xlsx", buffer.getvalue()))

    assert message.startswith("This file cannot be read as a spreadsheet.")


def test_a_sheet_that_goes_on_past_row_50000_is_refused(english):
    workbook_rows = [HEADER, ["a", "b"]]
    data = xlsx_bytes(workbook_rows)
    # A cell far below the data, as a sheet with a stray value at the bottom.
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    workbook.active.cell(row=60_000, column=1, value="stray")
    buffer = io.BytesIO()
    workbook.save(buffer)

    message = refusal(SimpleUploadedFile("long.xlsx", buffer.getvalue()))

    assert message.startswith("The sheet goes on past row 50,000")


def test_csv_in_utf8_with_a_byte_order_mark_and_semicolons():
    text = csv_text([HEADER, ["A-1", "Dewi Sartika", "17-05-1998", "ya", "merah"]], ";")

    table = read(csv_upload(codecs.BOM_UTF8 + text.encode()))

    assert cells_of(table, 2)["name"] == ("Dewi Sartika", "text")
    assert cells_of(table, 2)["colour"] == ("merah", "text")
    assert table.notices == []


def test_csv_with_tabs_in_utf16_as_excel_saves_unicode_text():
    text = csv_text([HEADER, ["A-1", "Siti Nurhaliza"]], "\t")

    table = read(csv_upload(codecs.BOM_UTF16_LE + text.encode("utf-16-le")))

    assert cells_of(table, 2)["name"] == ("Siti Nurhaliza", "text")


def test_csv_that_is_not_utf8_is_read_as_windows_1252_with_a_notice(english):
    text = csv_text([HEADER, ["A-1", "Andr\u00e9 Wijaya \u2013 Jr"]])

    table = read(csv_upload(text, encoding="cp1252"))

    assert cells_of(table, 2)["name"] == ("Andr\u00e9 Wijaya \u2013 Jr", "text")
    assert table.notices == [
        "The file is not in UTF-8; it was read as Windows-1252 (Excel's CSV on "
        "Windows). Check names with accents in the preview."
    ]


def test_csv_bytes_no_encoding_holds_are_still_read_never_an_error():
    data = b"code,name\r\nA-1,Bad \x81\x8d bytes\r\n"

    table = read(csv_upload(data))

    assert cells_of(table, 2)["name"][0].startswith("Bad ")


def test_a_quoted_csv_cell_may_hold_the_separator_and_a_line_break():
    text = 'code,name\r\nA-1,"Lestari, Ayu\r\nbinti Ahmad"\r\nA-2,Budi\r\n'

    table = read(csv_upload(text))

    assert cells_of(table, 2)["name"] == ("Lestari, Ayu\r\nbinti Ahmad", "text")
    # The record after it is the sheet's next row, as Excel opens the file.
    assert [row.line for row in table.rows] == [2, 3]


def test_a_csv_cell_longer_than_the_csv_module_reads_is_refused(english):
    text = "code,name\r\nA-1," + "x" * 200_000 + "\r\n"

    assert refusal(csv_upload(text)) == (
        "Row 2 of the file cannot be read: a cell is too long or a quote is not closed."
    )


def test_a_csv_text_starting_with_equals_is_taken_for_a_formula():
    table = read(csv_upload('code,name\r\nA-1,"=HYPERLINK(""http://x.example"")"\r\n'))

    assert cells_of(table, 2)["name"] == ('=HYPERLINK("http://x.example")', "formula")


def test_a_phone_number_with_a_plus_is_not_a_formula():
    table = read(csv_upload("code,name\r\n+6281234567890,-\r\n"))

    assert cells_of(table, 2)["code"] == ("+6281234567890", "text")
