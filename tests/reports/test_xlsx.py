"""A report's workbook as a package: its trend charts read back over their ranges,
every part is well-formed XML, and the same report gives the same bytes. The cells
and their formats: test_files.py; the safe cells: tests/test_spreadsheets.py."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from defusedxml.ElementTree import fromstring
from openpyxl import load_workbook

from reports.files import render_xlsx
from reports.kpis import kpis_from_counts

from .factories import ProgressReportFactory

pytestmark = pytest.mark.django_db

GENERATED = datetime.datetime(2026, 5, 2, 3, 0, tzinfo=datetime.UTC)
MONTHS = [datetime.date(2026, month, 1) for month in (2, 3, 4)]


@pytest.fixture
def report():
    return ProgressReportFactory.build(
        period=MONTHS[-1],
        generated_at=GENERATED,
        kpis=kpis_from_counts({"jobs_created": 4}),
        breakdown=[],
    )


def trend():
    return [
        {"period": month, "kpis": {"graduates": number, "jobs_created": 9}}
        for number, month in enumerate(MONTHS, start=1)
    ]


def test_the_trend_charts_read_back_over_their_ranges(report):
    book = load_workbook(io.BytesIO(render_xlsx(report, "Indonesia", trend())))
    sheet = book.worksheets[-1]

    line, bar = sheet._charts
    assert (line.tagname, bar.tagname) == ("lineChart", "barChart")
    assert len(line.series) == 4
    graduates = line.series[0]
    assert graduates.tx.strRef.f == "Tren!$B$1"
    assert graduates.val.numRef.f == "Tren!$B$2:$B$4"
    assert graduates.cat.numRef.f == "Tren!$A$2:$A$4"
    assert bar.barDir == "col"
    assert bar.series[0].val.numRef.f == "Tren!$F$2:$F$4"
    assert [cell.value for cell in sheet["B"][1:]] == [1, 2, 3]


def test_every_part_is_well_formed_xml_and_declared(report):
    data = render_xlsx(report, "Indonesia", trend())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        parts = {name: archive.read(name) for name in names}
    for content in parts.values():
        fromstring(content)  # raises on a part that is not well-formed
    types = parts["[Content_Types].xml"].decode()
    for name in names:
        if name.endswith(".xml") and name != "[Content_Types].xml":
            assert f'PartName="/{name}"' in types, name
    assert "xl/charts/chart2.xml" in names
    # The report's time, not the clock: the package records when it was made.
    assert b"2026-05-02T03:00:00Z" in parts["docProps/core.xml"]


def test_the_same_report_is_the_same_bytes(report):
    first = render_xlsx(report, "Indonesia", trend())
    again = render_xlsx(report, "Indonesia", trend())
    report.generated_at += datetime.timedelta(days=1)
    later = render_xlsx(report, "Indonesia", trend())

    assert first == again
    assert first != later
