"""A small writer of fixed-layout XLSX workbooks: the progress reports' files.

The monthly run writes a workbook for every BLKK, province and the country, each
of the same few sheets, styles and charts. openpyxl builds every part of a package
through its object model, and its fixed cost (styles, theme, properties, charts
serialised afresh for every file: about 17 ms of a report's 22 ms, whatever the
workbook holds) was most of the monthly run. Here the parts that never change are
written once per process (the styles, from a table declared once; the theme;
the package's relationships), and a report's own parts (its sheets, the charts'
titles and ranges) are plain text templates: a workbook costs about a millisecond
plus its cells. Reading stays with openpyxl (the tests read these files with it).

What it writes is a subset of SpreadsheetML that Excel, LibreOffice and openpyxl
read alike: inline strings (never a formula: a text that starts like one is also
marked "quote prefix", as `blkk_portal.spreadsheets` does), numbers, dates as
serial numbers under a date format, column widths, one frozen pane, and line and
bar charts over ranges of a sheet. The archive is deterministic: the same
workbook gives the same bytes (the members carry `created`, not the clock).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.writer.theme import theme_xml

from blkk_portal.spreadsheets import starts_like_formula

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument."
# A centimetre in the drawing's unit (English Metric Units).
_EMU_PER_CM = 360_000
_FIRST_CUSTOM_FORMAT = 164
_BUILTIN_FORMAT_IDS = {code: number for number, code in BUILTIN_FORMATS.items()}


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _text(value: str) -> str:
    return escape(ILLEGAL_CHARACTERS_RE.sub("", value))


# Styles -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    bold: bool = False
    size: int = 11
    number_format: str = "General"
    horizontal: str = ""
    vertical: str = ""
    wrap: bool = False
    indent: int = 0


class Stylesheet:
    """The styles a kind of workbook uses, declared once (`add` gives each its
    index), written once. Every style also has a "quote prefix" twin for a text
    that starts like a formula (`quoted`)."""

    def __init__(self) -> None:
        self._styles: list[Style] = [Style()]
        self._xml: str | None = None

    def add(self, **style) -> int:
        if self._xml is not None:
            raise RuntimeError("Declare every style before the first workbook.")
        self._styles.append(Style(**style))
        return len(self._styles) - 1

    def quoted(self, index: int) -> int:
        return index + len(self._styles)

    @property
    def xml(self) -> str:
        if self._xml is None:
            self._xml = self._build()
        return self._xml

    def _build(self) -> str:
        formats: dict[str, int] = {}
        fonts: dict[tuple[bool, int], int] = {(False, 11): 0}
        for style in self._styles:
            code = style.number_format
            if code not in _BUILTIN_FORMAT_IDS and code not in formats:
                formats[code] = _FIRST_CUSTOM_FORMAT + len(formats)
            fonts.setdefault((style.bold, style.size), len(fonts))
        xfs = [
            self._xf(style, formats, fonts, quote=quote)
            for quote in (False, True)
            for style in self._styles
        ]
        return "".join(
            [
                _XML,
                f'<styleSheet xmlns="{_MAIN}">',
                f'<numFmts count="{len(formats)}">',
                *(
                    f'<numFmt numFmtId="{number}" formatCode="{_attr(code)}"/>'
                    for code, number in formats.items()
                ),
                f'</numFmts><fonts count="{len(fonts)}">',
                *(self._font(bold, size) for bold, size in fonts),
                '</fonts><fills count="2"><fill><patternFill patternType="none"/>'
                '</fill><fill><patternFill patternType="gray125"/></fill></fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/>'
                '<diagonal/></border></borders><cellStyleXfs count="1">'
                '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                f'</cellStyleXfs><cellXfs count="{len(xfs)}">',
                *xfs,
                '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
                'builtinId="0"/></cellStyles></styleSheet>',
            ]
        )

    @staticmethod
    def _font(bold: bool, size: int) -> str:
        weight = "<b/>" if bold else ""
        return (
            f'<font>{weight}<sz val="{size}"/><color theme="1"/>'
            '<name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
        )

    @staticmethod
    def _xf(style: Style, formats: dict, fonts: dict, *, quote: bool) -> str:
        number = _BUILTIN_FORMAT_IDS.get(style.number_format)
        if number is None:
            number = formats[style.number_format]
        font = fonts[(style.bold, style.size)]
        alignment = "".join(
            [
                f' horizontal="{style.horizontal}"' if style.horizontal else "",
                f' vertical="{style.vertical}"' if style.vertical else "",
                ' wrapText="1"' if style.wrap else "",
                f' indent="{style.indent}"' if style.indent else "",
            ]
        )
        attributes = "".join(
            [
                f'numFmtId="{number}" fontId="{font}" fillId="0" borderId="0" xfId="0"',
                ' applyNumberFormat="1"' if number else "",
                ' applyFont="1"' if font else "",
                ' applyAlignment="1"' if alignment else "",
                ' quotePrefix="1"' if quote else "",
            ]
        )
        if not alignment:
            return f"<xf {attributes}/>"
        return f"<xf {attributes}><alignment{alignment}/></xf>"


# Sheets and charts ------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A line or bar chart of columns of its sheet: each series a column whose
    first row names it, over the rows 2 to `last_row`, against the months (or
    other categories) of `category_column`. `anchor` is the top-left cell."""

    kind: str  # "line" or "bar"
    title: str
    series_columns: Sequence[int]
    category_column: int
    last_row: int
    anchor: str
    y_title: str = ""
    x_title: str = ""
    x_number_format: str = ""
    width_cm: float = 24
    height_cm: float = 10


@dataclass
class Sheet:
    title: str
    stylesheet: Stylesheet
    widths: dict[int, float] = field(default_factory=dict)
    # The top-left cell of the scrolling pane, as openpyxl's `freeze_panes`.
    freeze: str = ""
    charts: list[Chart] = field(default_factory=list)
    _rows: list[str] = field(default_factory=list)
    _max_column: int = 0

    def append(self, cells: Iterable[tuple[object, int]]) -> None:
        """Add a row of (value, style) cells; None leaves a cell empty."""
        number = len(self._rows) + 1
        parts = []
        column = 0
        for column, (value, style) in enumerate(cells, start=1):
            if value is not None:
                parts.append(
                    self._cell(f"{get_column_letter(column)}{number}", value, style)
                )
        self._max_column = max(self._max_column, column)
        self._rows.append(f'<row r="{number}">{"".join(parts)}</row>' if parts else "")

    def _cell(self, ref: str, value: object, style: int) -> str:
        if isinstance(value, str):
            if starts_like_formula(value):
                style = self.stylesheet.quoted(style)
            space = ' xml:space="preserve"' if value != value.strip() else ""
            return (
                f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>'
                f"{_text(value)}</t></is></c>"
            )
        if isinstance(value, bool):
            return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, datetime.date):
            serial = to_excel(value)
            value = int(serial) if serial == int(serial) else serial
        elif not isinstance(value, int | float):
            raise TypeError(f"No cell for {type(value).__name__} {value!r}.")
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'

    def xml(self, *, selected: bool, drawing: bool) -> str:
        last = f"{get_column_letter(max(self._max_column, 1))}{max(len(self._rows), 1)}"
        selection = "" if selected is False else ' tabSelected="1"'
        return "".join(
            [
                _XML,
                f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">',
                f'<dimension ref="A1:{last}"/>',
                f'<sheetViews><sheetView{selection} workbookViewId="0">',
                self._pane(),
                '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>',
                self._cols(),
                "<sheetData>",
                *self._rows,
                "</sheetData>",
                '<drawing r:id="rId1"/>' if drawing else "",
                "</worksheet>",
            ]
        )

    def _pane(self) -> str:
        if not self.freeze:
            return '<selection activeCell="A1" sqref="A1"/>'
        letters = self.freeze.rstrip("0123456789")
        columns = sum(
            (ord(letter) - 64) * 26**power
            for power, letter in enumerate(reversed(letters))
        )
        rows = int(self.freeze[len(letters) :])
        return (
            f'<pane xSplit="{columns - 1}" ySplit="{rows - 1}" '
            f'topLeftCell="{self.freeze}" activePane="bottomRight" state="frozen"/>'
            '<selection pane="topRight"/><selection pane="bottomLeft"/>'
            f'<selection pane="bottomRight" activeCell="{self.freeze}" '
            f'sqref="{self.freeze}"/>'
        )

    def _cols(self) -> str:
        if not self.widths:
            return ""
        cols = "".join(
            f'<col min="{column}" max="{column}" width="{width}" customWidth="1"/>'
            for column, width in sorted(self.widths.items())
        )
        return f"<cols>{cols}</cols>"


def _quoted_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _rich_title(text: str) -> str:
    return (
        "<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr/></a:pPr>"
        f"<a:r><a:t>{_text(text)}</a:t></a:r></a:p></c:rich></c:tx>"
        '<c:overlay val="0"/></c:title>'
    )


def _chart_xml(chart: Chart, sheet_title: str) -> str:
    sheet = _quoted_sheet(sheet_title)
    category = get_column_letter(chart.category_column)
    categories = f"{sheet}!${category}$2:${category}${chart.last_row}"
    line = chart.kind == "line"
    marker = '<c:marker><c:symbol val="none"/></c:marker>' if line else ""
    smooth = '<c:smooth val="0"/>' if line else ""
    series = []
    for order, column in enumerate(chart.series_columns):
        letter = get_column_letter(column)
        series.append(
            f'<c:ser><c:idx val="{order}"/><c:order val="{order}"/>'
            f"<c:tx><c:strRef><c:f>{_text(f'{sheet}!${letter}$1')}</c:f></c:strRef>"
            f"</c:tx>{marker}"
            f"<c:cat><c:numRef><c:f>{_text(categories)}</c:f></c:numRef></c:cat>"
            f"<c:val><c:numRef><c:f>{_text(f'{sheet}!${letter}$2:${letter}${chart.last_row}')}"
            f"</c:f></c:numRef></c:val>{smooth}</c:ser>"
        )
    if line:
        plot = (
            '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
            + "".join(series)
            + '<c:marker val="1"/><c:axId val="10"/><c:axId val="100"/></c:lineChart>'
        )
    else:
        plot = (
            '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/>'
            '<c:varyColors val="0"/>'
            + "".join(series)
            + '<c:gapWidth val="150"/><c:axId val="10"/><c:axId val="100"/>'
            "</c:barChart>"
        )
    number_format = (
        f'<c:numFmt formatCode="{_attr(chart.x_number_format)}" sourceLinked="0"/>'
        if chart.x_number_format
        else ""
    )
    # `delete val="0"`: without it, Excel hides the axes.
    category_axis = (
        '<c:catAx><c:axId val="10"/><c:scaling><c:orientation val="minMax"/>'
        '</c:scaling><c:delete val="0"/><c:axPos val="b"/>'
        + (_rich_title(chart.x_title) if chart.x_title else "")
        + number_format
        + '<c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
        '<c:tickLblPos val="nextTo"/><c:crossAx val="100"/><c:crosses val="autoZero"/>'
        '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>'
    )
    value_axis = (
        '<c:valAx><c:axId val="100"/><c:scaling><c:orientation val="minMax"/>'
        '</c:scaling><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>'
        + (_rich_title(chart.y_title) if chart.y_title else "")
        + '<c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
        '<c:tickLblPos val="nextTo"/><c:crossAx val="10"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx>'
    )
    return (
        f'{_XML}<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_REL}">'
        f"<c:chart>{_rich_title(chart.title)}"
        '<c:autoTitleDeleted val="0"/>'
        f"<c:plotArea>{plot}{category_axis}{value_axis}</c:plotArea>"
        '<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )


def _anchor(chart: Chart, number: int) -> str:
    letters = chart.anchor.rstrip("0123456789")
    column = sum(
        (ord(letter) - 64) * 26**power for power, letter in enumerate(reversed(letters))
    )
    row = int(chart.anchor[len(letters) :])
    width = round(chart.width_cm * _EMU_PER_CM)
    height = round(chart.height_cm * _EMU_PER_CM)
    return (
        f"<xdr:oneCellAnchor><xdr:from><xdr:col>{column - 1}</xdr:col>"
        f"<xdr:colOff>0</xdr:colOff><xdr:row>{row - 1}</xdr:row>"
        f'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="{width}" cy="{height}"/>'
        f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{number}" '
        f'name="Chart {number}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
        f'<a:graphicData uri="{_C}"><c:chart r:id="rId{number}"/></a:graphicData>'
        "</a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:oneCellAnchor>"
    )


def _relationships(targets: Iterable[tuple[str, str]]) -> str:
    rels = "".join(
        f'<Relationship Id="rId{number}" Type="{kind}" Target="{target}"/>'
        for number, (kind, target) in enumerate(targets, start=1)
    )
    return f'{_XML}<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>'


# The workbook -----------------------------------------------------------------------


class Workbook:
    """Sheets in order; `to_bytes` writes the package."""

    def __init__(self, stylesheet: Stylesheet) -> None:
        self.stylesheet = stylesheet
        self.sheets: list[Sheet] = []

    def add_sheet(self, title: str, **options) -> Sheet:
        sheet = Sheet(title, self.stylesheet, **options)
        self.sheets.append(sheet)
        return sheet

    def to_bytes(self, *, created: datetime.datetime) -> bytes:
        """The .xlsx package. `created` is its creation time (UTC is written), and
        the date of its members, so that the same workbook is the same bytes."""
        created = created.astimezone(datetime.UTC)
        parts = self._parts(created)
        buffer = io.BytesIO()
        stamp = created.timetuple()[:6]
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in parts:
                member = zipfile.ZipInfo(name, date_time=stamp)
                member.compress_type = zipfile.ZIP_DEFLATED
                # The fastest level: these parts are small and much alike, and a
                # higher level costs three times the time for a fifth less.
                archive.writestr(member, content, compresslevel=1)
        return buffer.getvalue()

    def _parts(self, created: datetime.datetime) -> list[tuple[str, str]]:
        parts: list[tuple[str, str]] = []
        overrides = [
            ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument"
             ".spreadsheetml.sheet.main+xml"),
            ("/xl/styles.xml", _CT + "spreadsheetml.styles+xml"),
            ("/xl/theme/theme1.xml", _CT + "theme+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package"
             ".core-properties+xml"),
            ("/docProps/app.xml", _CT + "extended-properties+xml"),
        ]  # fmt: skip
        charts = 0
        drawings = 0
        for number, sheet in enumerate(self.sheets, start=1):
            overrides.append(
                (
                    f"/xl/worksheets/sheet{number}.xml",
                    _CT + "spreadsheetml.worksheet+xml",
                )
            )
            parts.append(
                (
                    f"xl/worksheets/sheet{number}.xml",
                    sheet.xml(selected=number == 1, drawing=bool(sheet.charts)),
                )
            )
            if not sheet.charts:
                continue
            drawings += 1
            parts.append(
                (
                    f"xl/worksheets/_rels/sheet{number}.xml.rels",
                    _relationships(
                        [(f"{_REL}/drawing", f"/xl/drawings/drawing{drawings}.xml")]
                    ),
                )
            )
            overrides.append(
                (f"/xl/drawings/drawing{drawings}.xml", _CT + "drawing+xml")
            )
            anchors = []
            chart_targets = []
            for index, chart in enumerate(sheet.charts, start=1):
                charts += 1
                anchors.append(_anchor(chart, index))
                chart_targets.append((f"{_REL}/chart", f"/xl/charts/chart{charts}.xml"))
                parts.append(
                    (f"xl/charts/chart{charts}.xml", _chart_xml(chart, sheet.title))
                )
                overrides.append(
                    (f"/xl/charts/chart{charts}.xml", _CT + "drawingml.chart+xml")
                )
            parts.append(
                (
                    f"xl/drawings/drawing{drawings}.xml",
                    f'{_XML}<xdr:wsDr xmlns:xdr="{_DRAWING}" xmlns:a="{_A}" '
                    f'xmlns:c="{_C}" xmlns:r="{_REL}">{"".join(anchors)}</xdr:wsDr>',
                )
            )
            parts.append(
                (
                    f"xl/drawings/_rels/drawing{drawings}.xml.rels",
                    _relationships(chart_targets),
                )
            )
        sheets = "".join(
            f'<sheet name="{_attr(sheet.title)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in enumerate(self.sheets, start=1)
        )
        workbook_rels = [
            (f"{_REL}/worksheet", f"/xl/worksheets/sheet{number}.xml")
            for number in range(1, len(self.sheets) + 1)
        ] + [
            (f"{_REL}/styles", "/xl/styles.xml"),
            (f"{_REL}/theme", "/xl/theme/theme1.xml"),
        ]
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        content_types = "".join(
            f'<Override PartName="{name}" ContentType="{kind}"/>'
            for name, kind in overrides
        )
        return [
            (
                "[Content_Types].xml",
                f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types"><Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/><Default Extension='
                f'"xml" ContentType="application/xml"/>{content_types}</Types>',
            ),
            (
                "_rels/.rels",
                _relationships(
                    [
                        (f"{_REL}/officeDocument", "/xl/workbook.xml"),
                        (f"{_PKG_REL}/metadata/core-properties", "/docProps/core.xml"),
                        (f"{_REL}/extended-properties", "/docProps/app.xml"),
                    ]
                ),
            ),
            (
                "docProps/app.xml",
                f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/'
                'officeDocument/2006/extended-properties"><Application>Microsoft '
                "Excel Compatible / BLKK Portal</Application></Properties>",
            ),
            (
                "docProps/core.xml",
                f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org'
                '/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/'
                'elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="'
                'http://www.w3.org/2001/XMLSchema-instance"><dc:creator>BLKK Portal'
                '</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">'
                f'{stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">'
                f"{stamp}</dcterms:modified></cp:coreProperties>",
            ),
            (
                "xl/workbook.xml",
                f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews>'
                '<workbookView activeTab="0"/></bookViews>'
                f'<sheets>{sheets}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/>'
                "</workbook>",
            ),
            ("xl/_rels/workbook.xml.rels", _relationships(workbook_rels)),
            ("xl/styles.xml", self.stylesheet.xml),
            ("xl/theme/theme1.xml", theme_xml),
            *parts,
        ]
