"""Spreadsheets built in tests: XLSX through openpyxl (typed cells: numbers, dates,
booleans, formulas) and CSV as bytes, each as an upload."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(rows: list[list], *, text_columns: tuple[int, ...] = ()) -> bytes:
    """A workbook whose first sheet holds `rows`. A string starting with "=" is a
    formula cell (openpyxl's rule); `text_columns` (1-based) are stored as text
    cells whatever they hold."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for column in text_columns:
        for (cell,) in sheet.iter_rows(min_col=column, max_col=column, min_row=2):
            if cell.value is not None:
                cell.value = str(cell.value)
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(
    rows: list[list], name: str = "data.xlsx", **kwargs
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, **kwargs), content_type=XLSX)


def csv_upload(
    text: str | bytes, name: str = "data.csv", encoding: str = "utf-8"
) -> SimpleUploadedFile:
    data = text.encode(encoding) if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def csv_text(rows: list[list], delimiter: str = ",") -> str:
    return "\r\n".join(delimiter.join(str(cell) for cell in row) for row in rows)


def zip_bomb(name: str = "bomb.xlsx", unpacked_mb: int = 120) -> SimpleUploadedFile:
    """A small .xlsx-looking zip whose parts unpack to `unpacked_mb` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (unpacked_mb * 1024 * 1024))
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)
