"""Cell parsers (blkk_portal/imports/cells.py): dates, yes/no and choices the ways
people type them; identifiers that must be typed as text."""

from __future__ import annotations

import datetime

import pytest
from django.utils.translation import gettext_lazy

from blkk_portal.imports import cells
from blkk_portal.imports.cells import Cell, CellError

pytestmark = pytest.mark.usefixtures("english")
# Excel's dates are naive: a day and a time, no zone.
NAIVE_BIRTH = datetime.datetime(1998, 5, 17)  # noqa: DTZ001
NAIVE_MOMENT = datetime.datetime(2020, 1, 2, 3, 4)  # noqa: DTZ001


def typed(value) -> Cell:
    return Cell(value, "text")


def message_of(parse, cell) -> str:
    with pytest.raises(CellError) as refused:
        parse(cell)
    return refused.value.message


@pytest.mark.parametrize(
    "cell",
    [
        Cell(NAIVE_BIRTH, "date"),
        Cell(datetime.date(1998, 5, 17), "date"),
        typed("17-05-1998"),
        typed("17/05/1998"),
        typed("17/5/1998"),
        typed(" 1998-05-17 "),
        typed("1998-5-17"),
    ],
)
def test_dates_as_excel_dates_or_in_the_three_notations(cell):
    assert cells.date(cell) == "1998-05-17"


@pytest.mark.parametrize(
    "cell",
    [
        typed("17.05.1998"),
        typed("17-05/1998"),
        typed("May 17, 1998"),
        typed("17-05-98"),
        Cell(35932, "number"),
        Cell(1998, "number"),
    ],
)
def test_other_date_notations_and_bare_numbers_are_refused(cell):
    assert message_of(cells.date, cell) == (
        "Give a date as DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD (for example "
        "17-05-1998), or format the cell as a date."
    )


def test_a_date_that_does_not_exist_is_refused():
    assert (
        message_of(cells.date, typed("31-02-2001")) == "31-02-2001 is not a real date."
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (Cell(True, "bool"), True),
        (Cell(False, "bool"), False),
        (Cell(1, "number"), True),
        (Cell(0, "number"), False),
        (typed("Ya"), True),
        (typed("TIDAK"), False),
        (typed("true"), True),
        (typed("False"), False),
        (typed("1"), True),
        (typed(" 0 "), False),
    ],
)
def test_yes_no_as_excel_booleans_ya_tidak_true_false_or_1_0(cell, expected):
    assert cells.boolean(cell) is expected


def test_another_yes_no_is_refused():
    assert message_of(cells.boolean, typed("mungkin")) == (
        "Give ya or tidak (or true/false, 1/0)."
    )


# The labels of the trainee's gender, which the catalogue translates.
GENDER = cells.choice(
    [("M", gettext_lazy("Male")), ("F", gettext_lazy("Female"))],
    aliases={"L": "M", "P": "F"},
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("M", "M"),
        ("f", "F"),
        ("Female", "F"),
        ("PEREMPUAN", "F"),
        ("laki-laki", "M"),
        ("L", "M"),
        (" p ", "F"),
    ],
)
def test_a_choice_by_code_label_in_either_language_or_alias(value, expected):
    assert GENDER(typed(value)) == expected


def test_an_unknown_choice_lists_the_choices():
    assert message_of(GENDER, typed("X")) == (
        "X is not one of the choices: Male (M), Female (F)."
    )


NIK_MESSAGE = "Type the NIK as text."
NIK = cells.text_only(NIK_MESSAGE)


@pytest.mark.parametrize(
    "cell",
    [
        Cell(3273014107980001, "number"),
        Cell(3.27301410798e15, "number"),
        typed("3.27301E+15"),
        typed("3,27301E+15"),
        typed("3273014107980000e0"),
    ],
)
def test_a_text_only_column_refuses_numbers_and_scientific_notation(cell):
    assert message_of(NIK, cell) == NIK_MESSAGE


def test_a_text_only_column_keeps_text_as_typed_trimmed():
    assert NIK(typed(" 3273014107980001 ")) == "3273014107980001"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (typed("  Ayu  "), "Ayu"),
        (Cell(12.0, "number"), "12"),
        (Cell(12.5, "number"), "12.5"),
        (Cell(NAIVE_MOMENT, "date"), "2020-01-02"),
        (Cell(True, "bool"), "true"),
    ],
)
def test_text_columns_take_any_cell_as_text(cell, expected):
    assert cells.text(cell) == expected


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (Cell(NAIVE_BIRTH, "date"), "17-05-1998"),
        (Cell(3.273014107980001e15, "number"), "3273014107980001"),
        (Cell(3273014107980001, "number"), "3273014107980001"),
        (Cell(False, "bool"), "FALSE"),
        (typed("x"), "x"),
    ],
)
def test_the_preview_shows_cells_as_the_sheet_does(cell, shown):
    assert cell.shown == shown
