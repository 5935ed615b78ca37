"""The downloadable template (blkk_portal/imports/workbook.py)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from blkk_portal.imports.reading import FileRefused, read_table
from blkk_portal.imports.workbook import template_workbook
from tests.imports.kinds import THINGS

pytestmark = pytest.mark.usefixtures("english")


def test_the_template_has_a_header_of_api_keys_and_no_data_row():
    workbook = load_workbook(io.BytesIO(template_workbook(THINGS)))
    sheet = workbook.worksheets[0]

    assert [cell.value for cell in sheet[1]] == [
        "code",
        "name",
        "born",
        "active",
        "colour",
    ]
    assert sheet.max_row == 1
    assert sheet.freeze_panes == "A2"


def test_columns_that_must_stay_text_are_formatted_as_text():
    workbook = load_workbook(io.BytesIO(template_workbook(THINGS)))
    sheet = workbook.worksheets[0]

    assert sheet.column_dimensions["A"].number_format == "@"
    assert sheet.column_dimensions["B"].number_format == "General"


def test_short_lists_are_offered_in_a_drop_down_that_accepts_other_spellings():
    sheet = load_workbook(io.BytesIO(template_workbook(THINGS))).worksheets[0]

    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"red,blue"'
    assert str(validation.sqref) == "E2:E5001"
    assert validation.showErrorMessage is False


def test_the_notes_sheet_explains_each_column_and_the_rules():
    notes = load_workbook(
        io.BytesIO(template_workbook(THINGS, notes=["A rule of this kind."]))
    ).worksheets[1]
    rows = [[cell.value for cell in row] for row in notes.iter_rows()]

    assert notes.title == "Instructions"
    assert rows[0][:3] == ["Column", "Also accepted as header", "Required"]
    assert rows[1][:3] == ["code", "Kode", "yes"]
    assert [value for value in rows[-1] if value] == ["A rule of this kind."]
    assert any("Formulas are not read" in str(row[0]) for row in rows)


def test_the_empty_template_uploaded_as_it_is_has_nothing_to_import():
    data = template_workbook(THINGS)

    with pytest.raises(FileRefused) as refused:
        read_table(
            SimpleUploadedFile("t.xlsx", data),
            name="t.xlsx",
            size=len(data),
            columns=THINGS.columns,
        )

    assert "no rows under its header" in refused.value.message
