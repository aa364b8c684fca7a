"""The Excel report: how a result's numbers travel inside a company, and print.

Sheets, named in the report's language: the summary (status, what is still to procure, where every tonne of the
lots went, the dates that matter, what the figures rest on, the reconciliation of each need, the emissions paths with
a native Excel chart, data issues); the purchase plan when the result has one (a row per product, then the remainder
for a bilateral deal or tender, the payment in lieu and the totals); every figure of the position with its formula
and clause; the lots; each criterion over the lots (counts); the criteria that failed or are undecided, in full; the
evidence (ownership witness paths, in words); how the inputs were read; the interpretations relied on; the run.

Cells are typed: tonnes ``#,##0``, yen and yen a tonne ``¥#,##0``, a fraction (NDC-equivalent emissions) a number
with its six decimals, dates and order times date cells. Every sheet prints on A4, fit to the page's width, its table
header repeated on each page; the summary and the plan print on one page each. The workbook holds values only, never a
formula: every string is stored as a string (``t="inlineStr"``), so a lot id such as ``=HYPERLINK("http://x")`` stays
inert text. It is written in openpyxl's write-only mode — rows stream to the file as they are made, and only the
failed and undecided criteria are written one row each (the rest are counted), so 100,000 lots stay small and fast;
the long tables (lots, criteria not met, ownership evidence) are written as sheet XML text by ``sheet_rows`` (the
bytes openpyxl writes, without a cell object per value) — and the zip is normalised (fixed timestamps), so the same
result gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from gxets_rules.io.writers import cell_text, fixed_zip_times
from gxets_rules.model.plan import YenRange
from gxets_rules.model.result import OUTCOMES, CriterionFacts, Result
from gxets_rules.render.plan_view import PlanRow, PlanTable
from gxets_rules.render.sheet_rows import SheetRows, with_rows
from gxets_rules.render.view import Cited, ReportView
from gxets_rules.render.width import display_width

FORMATS = {"t": "#,##0", "jpy": "¥#,##0", "jpy_per_t": "¥#,##0"}
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8ECF0")
TITLE_FONT = Font(bold=True, size=14)
STRONG_FONT = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")  # figures beside wrapped text stay on its first line
MARKERS = ("circle", "square", "triangle", "diamond")
A4 = 9  # the paperSize code of A4
LINE_PT = 15.0  # the height of one line of the default font, in points
WRAP_FILL = 0.85  # how much of a column's nominal width wrapped text fills (a spreadsheet breaks lines early)


@dataclass(frozen=True)
class Num:
    """A number with its unit, formatted ``#,##0`` (t-CO2) or ``¥#,##0`` (yen, and yen a tonne)."""

    value: int | float
    unit: str | None


@dataclass(frozen=True)
class Text:
    """A text cell set apart: bold, wrapped in its column, or both."""

    value: str
    font: Font | None = None
    wrap: bool = False


def num(value: Any, unit: str | None) -> Any:
    """A result value for a cell: whole numbers keep their unit's format; anything else passes as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Num(value, unit)
    return value


REMEMBERED_TEXTS = 8_192
"""Texts whose cell XML a streamed sheet remembers at once (then it starts again: memory stays bounded)."""


class ReportWorkbook(Workbook):
    """A write-only workbook whose long tables are written as text (:class:`SheetRows`) and put in place when saved."""

    def __init__(self) -> None:
        super().__init__(write_only=True)
        self.streamed: list[SheetRows] = []


class Sheet:
    """A write-only worksheet: every string stored as a string, every number formatted by its unit, dates as dates, a
    wrapped cell's row as tall as its lines, and print setup — A4, fit to the page's width (``one_page``: and its
    height), the table header on every page. ``freeze``: the first row that scrolls (set before any row is written:
    a write-only sheet writes its view with its first row). ``streamed``: a long table (one row a lot), its rows
    written as text by :class:`SheetRows` (same cells, same bytes; values only, no openpyxl cell passed in)."""

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        widths: Sequence[int],
        landscape: bool = False,
        one_page: bool = False,
        freeze: int | None = None,
        streamed: bool = False,
    ) -> None:
        self.ws = workbook.create_sheet(title)
        self.stream: SheetRows | None = None
        self.texts: dict[tuple[str, Font | None, PatternFill | None, bool], str] = {}  # a streamed text cell's XML
        # after its reference, by text and style: a long table's columns repeat a few texts (kinds, verdicts, ids)
        self.line_counts: dict[tuple[str, int], int] = {}
        if streamed:
            if not isinstance(workbook, ReportWorkbook):
                raise TypeError("a streamed sheet belongs to a ReportWorkbook, which puts its rows in place")
            self.stream = SheetRows(self.ws)
            workbook.streamed.append(self.stream)
        self.widths = list(widths)
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        if freeze is not None:
            self.ws.freeze_panes = f"A{freeze}"
        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        setup = self.ws.page_setup
        setup.paperSize = A4
        setup.orientation = "landscape" if landscape else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 1 if one_page else 0
        margins = self.ws.page_margins
        margins.left = margins.right = 0.4
        margins.top = margins.bottom = 0.5
        self.rows = 0

    def text(self, value: str, font: Font | None = None, fill: PatternFill | None = None, wrap: bool = False) -> Any:
        clean = cell_text(value)
        if not (font or fill or wrap or clean.startswith("=")):
            return clean  # openpyxl keeps a plain string a string; only a leading '=' would make it a formula
        cell = WriteOnlyCell(self.ws, value=clean)
        cell.data_type = "s"  # text, never a formula
        _text_style(cell, font, fill, wrap)
        return cell

    def cell(self, value: Any) -> Any:
        if isinstance(value, Cell):
            return value  # made by the caller (coloured, linked, wrapped): stored as it is
        if value is None or value == "":
            return None  # no cell at all: long tables are mostly short rows
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, Num):
            fmt = FORMATS.get(value.unit or "")
            if fmt is None:
                return value.value
            cell = WriteOnlyCell(self.ws, value=value.value)
            cell.number_format = fmt
            cell.alignment = TOP
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(self.ws, value=value)
            cell.number_format = TIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
            cell.alignment = TOP
            return cell
        if isinstance(value, Text):
            return self.text(value.value, value.font, wrap=value.wrap)
        return self.text(str(value).lower() if isinstance(value, bool) else str(value))

    def _xml(self, ref: str, value: Any) -> str | None:
        """A value of a streamed row as its cell's XML, typed and styled as :meth:`cell` makes it (None: no cell)."""
        if type(value) is str:  # most cells of a long table: a text as it is
            return self._xml_text(ref, value) if value else None
        stream = self.stream
        assert stream is not None
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return stream.number(ref, value)
        if isinstance(value, Num):
            fmt = FORMATS.get(value.unit or "")
            if fmt is None:
                return stream.number(ref, value.value)
            return stream.number(ref, value.value, stream.style(("num", fmt), partial(_number_style, fmt=fmt)))
        if isinstance(value, date):
            fmt = TIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
            return stream.day(ref, value, stream.style((type(value), fmt), partial(_date_style, day=value, fmt=fmt)))
        if isinstance(value, Cell):
            raise TypeError("a streamed sheet is given values, not openpyxl cells")
        if isinstance(value, Text):
            return self._xml_text(ref, value.value, value.font, None, value.wrap)
        return self._xml_text(ref, str(value).lower() if isinstance(value, bool) else str(value))

    def _xml_text(
        self, ref: str, value: str, font: Font | None = None, fill: PatternFill | None = None, wrap: bool = False
    ) -> str:
        key = (value, font, fill, wrap)
        tail = self.texts.get(key)
        if tail is None:
            stream = self.stream
            assert stream is not None
            clean = cell_text(value)
            style = None
            if font or fill or wrap:
                style = stream.style(("text", font, fill, wrap), partial(_text_style, font=font, fill=fill, wrap=wrap))
            if len(self.texts) >= REMEMBERED_TEXTS:
                self.texts.clear()
            tail = self.texts[key] = stream.text_tail(clean, style)
        return f'<c r="{ref}"{tail}'

    def _lines(self, values: Sequence[Any], wrapped: Sequence[bool]) -> int:
        """How many lines the row's wrapped cells need in their columns (a spreadsheet does not grow a row for
        wrapped text written without a height, so a long message would be cut)."""
        lines = 1
        for index, (value, wraps) in enumerate(zip(values, wrapped, strict=True)):
            if wraps and index < len(self.widths):
                room = max(1, int(self.widths[index] * WRAP_FILL))
                text = value.value if isinstance(value, Text) else str(value)
                lines = max(lines, self._text_lines(text, room))
        return lines

    def _text_lines(self, text: str, room: int) -> int:
        """Lines a text wraps to in ``room`` character widths; remembered (messages and evidence repeat by lot)."""
        key = (text, room)
        found = self.line_counts.get(key)
        if found is None:
            if len(self.line_counts) >= REMEMBERED_TEXTS:
                self.line_counts.clear()
            found = sum(-(-max(1, display_width(line)) // room) for line in text.split("\n"))
            self.line_counts[key] = found
        return found

    def append(self, values: Iterable[Any] = ()) -> None:
        row = list(values)
        wrapped = [isinstance(v, Text) and v.wrap for v in row]
        lines = self._lines(row, wrapped) if any(wrapped) else 1
        if self.stream is not None:
            refs = self.stream.refs(self.rows + 1, len(row))
            self._write_xml([self._xml(ref, v) for ref, v in zip(refs, row, strict=True)], lines)
        else:
            self._write([self.cell(v) for v in row], lines)

    def _write_xml(self, cells: Sequence[str | None], lines: int) -> None:
        assert self.stream is not None
        index = self.rows + 1
        self.stream.row(index, [c for c in cells if c is not None], LINE_PT * lines if lines > 1 else None)
        self.rows = index

    def _write(self, cells: list[Any], lines: int) -> None:
        index = self.rows + 1
        if lines > 1:
            self.ws.row_dimensions[index].height = LINE_PT * lines
        self.ws.append(cells)
        self.rows = index
        if lines > 1:
            del self.ws.row_dimensions[index]  # written with its row; not kept for 100,000 rows

    def header(self, headings: Sequence[str]) -> None:
        lines = self._lines(headings, [True] * len(headings))
        if self.stream is not None:
            refs = self.stream.refs(self.rows + 1, len(headings))
            pairs = zip(refs, headings, strict=True)
            cells = [self._xml_text(ref, heading, HEADER_FONT, HEADER_FILL, True) for ref, heading in pairs]
            self._write_xml(cells, lines)
            return
        self._write([self.text(h, HEADER_FONT, HEADER_FILL, wrap=True) for h in headings], lines)

    def title(self, text: str) -> None:
        if self.stream is not None:
            self._write_xml([self._xml_text(f"A{self.rows + 1}", text, TITLE_FONT)], 1)
            return
        self._write([self.text(text, TITLE_FONT)], 1)

    def table(self, headings: Sequence[str], rows: Iterable[Iterable[Any]], filtered: bool = True) -> None:
        """The sheet's table: a header row that prints on every page and filters the rows under it (and stays in view
        when it is the sheet's first row, or where the sheet was made to freeze)."""
        first = self.rows + 1
        if first == 1:
            self.ws.freeze_panes = "A2"
        self.ws.print_title_rows = f"{first}:{first}"
        self.header(headings)
        for row in rows:
            self.append(row)
        if filtered:
            self.ws.auto_filter.ref = f"A{first}:{get_column_letter(len(headings))}{max(self.rows, first + 1)}"


def _number_style(cell: WriteOnlyCell, fmt: str) -> None:
    cell.number_format = fmt
    cell.alignment = TOP


def _date_style(cell: WriteOnlyCell, day: date, fmt: str) -> None:
    cell.value = day  # a date cell takes openpyxl's date format first (registered as when openpyxl wrote the row)
    cell.number_format = fmt
    cell.alignment = TOP


def _text_style(cell: WriteOnlyCell, font: Font | None, fill: PatternFill | None, wrap: bool) -> None:
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if wrap:
        cell.alignment = WRAP


def sheet_title(view: ReportView, key: str) -> str:
    """A sheet's name in the report's language (Excel: at most 31 characters)."""
    return view.t("sheet." + key)[:31]


# the summary ----------------------------------------------------------------------------------------------------------
def _summary(wb: Workbook, view: ReportView) -> None:
    t, result = view.t, view.result
    box = view.summary()
    sheet = Sheet(wb, sheet_title(view, "summary"), [54, 17, 15, 50], one_page=True)
    sheet.title(view.title)
    firm = result.firm
    sheet.append([t("report.firm"), f"{firm.name} ({firm.id})"])
    if firm.group:
        sheet.append([t("group"), firm.group])
    sheet.append([t("ruleset"), f"{t.localized(result.ruleset.title)} ({result.ruleset.id} {result.ruleset.version})"])
    if view.ruleset_from_path:
        sheet.append([None, view.ruleset_from_path])
    sheet.append([t("as_of"), result.as_of])
    sheet.append()
    if box.status is not None:
        sheet.append([box.status.title, None, None, _source(box.status.source)])
        sheet.append([Text(box.status.shown, STRONG_FONT, wrap=True)])
    sheet.append([Text(box.to_buy_title, STRONG_FONT), Num(box.to_buy_t, "t")])
    sheet.append()
    sheet.header([t("summary.need_caption"), t("unit.t")])
    sheet.append([t("summary.need"), Num(box.need_t, "t")])
    for row in box.need:
        sheet.append([f"  {row.title}", Num(row.tonnes, "t")])
    sheet.header([t("summary.lots_caption"), t("unit.t")])
    for row in box.lots:
        sheet.append([f"  {row.title}", Num(row.tonnes, "t")])
    sheet.header([t("section.position.deadlines"), t("report.value")])
    for title, value in box.dates:
        sheet.append([title, value])
    sheet.append()
    sheet.append([Text(view.provenance_text(), wrap=True)])
    sheet.append()
    sheet.header([t("report.reconciliation"), t("unit.t"), t("cap"), t("report.source")])
    for need in view.needs():
        for basis in need.basis:
            sheet.append([basis.title, _figure_value(basis), None, _source(basis.source)])
        sheet.append([f"= {need.need.title}", num(need.need.value, "t"), None, _source(need.need.source)])
        for kind, tonnes in need.covered:
            sheet.append([f"− {kind}", Num(tonnes, "t")])
        for cap in need.caps:
            sheet.append([f"{cap.title} ({t('used')})", Num(cap.used_t, "t"), Num(cap.cap_t, "t"), _source(cap.source)])
        sheet.append([f"= {view.to_buy_title}", Num(need.offsets_to_buy_t, "t")])
    sheet.append()
    sheet.header([t("issues"), t("report.check"), t("report.location"), t("report.message")])
    if not result.issues:
        sheet.append([t("report.no_issues")])
    for issue in result.issues:
        lot = f" ({issue.lot})" if issue.lot else ""
        severity = t("severity." + issue.severity)
        sheet.append([severity + lot, issue.check, issue.location, Text(t.localized(issue.message), wrap=True)])


def _source(source: str | None) -> Text | None:
    """A clause cited beside a figure, wrapped in its column."""
    return Text(source, wrap=True) if source else None


def _series(wb: Workbook, view: ReportView) -> None:
    """The yearly paths as a grid — a row per fiscal year, blank where a series has no value — and their chart."""
    t = view.t
    series, notes = view.series()
    sheet = Sheet(wb, sheet_title(view, "series"), [34, 18, 18, 18, 18], landscape=True, one_page=True)
    sheet.title(t("report.chart"))
    known = [fy for s in series for fy, v in s.points if v is not None]
    if not known:
        sheet.append([t("report.no_series")])
        return
    sheet.header([t("fy"), *(s.title for s in series)])
    top = sheet.rows
    years = range(min(known), max(known) + 1)
    for fy in years:
        sheet.append([fy, *(num(dict(s.points).get(fy), "t") for s in series)])
    bottom = sheet.rows
    for figure in notes:
        sheet.append([figure.title, _figure_value(figure)])
    sheet.append([Text(t("report.chart_note"), wrap=True)])
    chart = ScatterChart(scatterStyle="lineMarker")
    chart.title = t("report.chart")
    chart.x_axis.title = t("fy")
    chart.y_axis.title = t("unit.t")
    chart.x_axis.scaling.min, chart.x_axis.scaling.max = years[0], years[-1]
    chart.x_axis.majorUnit = 1
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.number_format = FORMATS["t"]
    chart.y_axis.scaling.min = 0
    chart.display_blanks = "gap"  # a line joins consecutive years only: pledged points stay points
    chart.legend.position = "b"
    chart.height, chart.width = 11, 18
    x_values = Reference(sheet.ws, min_col=1, min_row=top + 1, max_row=bottom)
    for index in range(len(series)):
        values = Reference(sheet.ws, min_col=2 + index, min_row=top, max_row=bottom)
        line = Series(values, x_values, title_from_data=True)
        line.marker.symbol = MARKERS[index % len(MARKERS)]
        line.smooth = False
        chart.series.append(line)
    sheet.ws.add_chart(chart, f"{get_column_letter(len(series) + 3)}2")


# the plan -------------------------------------------------------------------------------------------------------------
def _plan(wb: Workbook, view: ReportView) -> None:
    """The plan, a row per product: tonnes, the price (reference, low, high), the cost before tax at the reference
    price and with tax at the reference, low and high prices, by when to order, and what limited the tonnes — then the
    payment in lieu, the remainder for a bilateral deal or tender and the totals (landscape, on one page)."""
    plan = view.plan_table()
    if plan is None:
        return
    t, h = view.t, plan.headings
    widths = [26, 15, 10, 10, 9, 9, 14, 14, 14, 14, 16, 11, 11, 24]
    sheet = Sheet(wb, sheet_title(view, "plan"), widths, landscape=True, one_page=True, freeze=5)
    sheet.title(plan.title)
    sheet.append([f"{plan.words['snapshot']}: {plan.snapshot}"])
    sheet.append()
    unit = t("report.with_unit").format
    at = t("report.plan.at").format
    reference, low, high = t("plan.price_reference"), t("plan.price_low"), t("plan.price_high")
    sheet.table(
        [
            h["product"],
            h["venue"],
            unit(title=h["quantity_t"], unit=t("unit.t")),
            unit(title=reference, unit=t("unit.jpy_per_t")),
            unit(title=low, unit=t("unit.jpy_per_t")),
            unit(title=high, unit=t("unit.jpy_per_t")),
            at(title=h["cost_jpy"], at=reference),
            at(title=h["cost_with_tax_jpy"], at=reference),
            at(title=h["cost_with_tax_jpy"], at=low),
            at(title=h["cost_with_tax_jpy"], at=high),
            h["last_session"],
            h["settlement_date"],
            h["cancellable_on"],
            h["bound_by"],
        ],
        (_plan_row(row) for row in plan.rows),
        filtered=False,
    )
    _plan_tail(sheet, view, plan)


def _plan_row(row: PlanRow) -> list[Any]:
    return [
        Text(f"{row.product}\n{row.kind}", wrap=True),
        Text(row.venue, wrap=True),
        Num(row.quantity_t, "t"),
        *_yen(row.price, "jpy_per_t"),
        Num(row.cost.reference, "jpy"),
        *_yen(row.cost_with_tax),
        row.last_order,
        row.settles_on,
        row.ready_on,
        Text(row.bound, wrap=True),
    ]


def _yen(amounts: YenRange, unit: str = "jpy") -> list[Num]:
    return [Num(amounts.reference, unit), Num(amounts.low, unit), Num(amounts.high, unit)]


def _plan_tail(sheet: Sheet, view: ReportView, plan: PlanTable) -> None:
    """Under the products: the payment in lieu, the remainder for a bilateral deal or tender, the totals, then what
    was left out, the plan's terms and where the prices come from."""
    t = view.t
    if plan.payment is not None:
        pay = plan.payment
        head = [Text(pay.title, wrap=True), None, Num(pay.quantity_t, "t"), Num(pay.unit_price, "jpy_per_t"), None]
        cost = [None, Num(pay.cost, "jpy"), Num(pay.cost_with_tax, "jpy"), None, None]
        sheet.append([*head, *cost, pay.due, None, None, plan.words["due"]])
    if plan.remainder_t or plan.payment is None:
        sheet.append([Text(plan.words["bilateral_or_tender_t"], wrap=True), None, Num(plan.remainder_t, "t")])
    total = [Text(t("report.plan.total"), HEADER_FONT), None, Num(plan.quantity_t + plan.payment_t, "t")]
    cost = [Num(plan.cost.reference, "jpy"), *_yen(plan.cost_with_tax)]
    sheet.append([*total, None, None, None, *cost, plan.last_order])
    sheet.append([Text(t("report.plan.note"), wrap=True)])
    if plan.excluded:
        sheet.append()
        sheet.header([t("report.plan.excluded"), t("report.message")])
        for title, why in plan.excluded:
            sheet.append([title, why])
    sheet.append()
    sheet.header([t("report.plan.terms"), t("report.value")])
    for title, shown in plan.terms:
        sheet.append([title, shown])
    sheet.append([f"{t('report.plan.source')}: {plan.source}"])


# the position, lots and criteria --------------------------------------------------------------------------------------
def _figure_rows(view: ReportView, section: str, figure: Cited) -> list[list[Any]]:
    """A position figure as rows: one, or one per fiscal year for a per-year figure."""
    unit = view.t.get("unit." + figure.unit, "") if figure.unit else None  # t-CO2 or yen; labels and dates need none
    common = [figure.formula, figure.source, ", ".join(figure.interpretations)]
    if figure.by_fy is not None:
        return [
            [section, figure.title, num(v, figure.unit) if v is not None else view.t.value(v), unit, fy, *common]
            for fy, v in figure.by_fy.items()
        ]
    return [[section, figure.title, _figure_value(figure), unit, None, *common]]


def _figure_value(figure: Cited) -> Any:
    """A figure for a cell: a whole number in its unit's format, an exact fraction as a number with its six decimals
    (NDC-equivalent emissions), a date as a date; anything else as the page shows it (a yes/no or a label worded —
    bool is an int, but not a number)."""
    if type(figure.value) is int:
        return num(figure.value, figure.unit)
    if figure.value is None and figure.decimal is not None:
        return Num(float(Decimal(figure.decimal)), figure.unit)
    if isinstance(figure.value, date):
        return figure.value
    return figure.shown


def _position(wb: Workbook, view: ReportView) -> None:
    t = view.t
    sheet = Sheet(wb, sheet_title(view, "position"), [24, 50, 16, 8, 8, 56, 44, 22], landscape=True)
    headings = [t("report.section"), t("report.item"), t("report.value"), t("report.unit"), t("fy")]
    headings += [t("report.formula"), t("report.source"), t("interpretations")]
    sections = view.sections(with_series=True)
    sheet.table(headings, (row for s in sections for figure in s.rows for row in _figure_rows(view, s.title, figure)))


def _lots(wb: Workbook, view: ReportView) -> None:
    t = view.t
    sheet = Sheet(wb, sheet_title(view, "lots"), [16, 26, 14, 24, 12, 14, 24, 8, 40, 40], landscape=True, streamed=True)
    headings = [t("report.lot"), t("report.kind"), t("report.quantity_t"), t("report.lot_status")]
    headings += [t("report.verdict"), t("report.usable_t"), t("report.project_id"), t("report.country")]
    headings += [t("report.failed"), t("report.to_review")]
    sheet.table(
        headings,
        (
            [
                lot.id,
                t.kind(lot.kind),
                Num(lot.quantity_t, "t"),
                t.lot_status(lot.status),
                t.verdict(lot.verdict),
                Num(lot.usable_t, "t"),
                lot.project_id,
                lot.project_country,
                ", ".join(view.criterion_ids(lot, "fail")),
                ", ".join(view.criterion_ids(lot, "indeterminate")),
            ]
            for lot in view.result.lots
        ),
    )


def _criteria_tally(wb: Workbook, view: ReportView) -> None:
    """Each criterion over all lots: how many passed, failed, are undecided or did not apply."""
    t = view.t
    sheet = Sheet(wb, sheet_title(view, "criteria_tally"), [30, 56, 10, 10, 10, 10, 44, 22], landscape=True)
    headings = [t("report.criterion"), t("report.requirement"), *(t.outcome(o) for o in OUTCOMES)]
    sheet.table(
        [*headings, t("report.source"), t("interpretations")],
        (
            [
                row.spec.id,
                Text(t.localized(row.spec.title), wrap=True),
                *(row.counts[o] for o in OUTCOMES),
                row.spec.source,
                ", ".join(row.spec.interpretations),
            ]
            for row in view.criteria_tally()
        ),
    )


def _reads(view: ReportView, criterion: CriterionFacts) -> str:
    """What a criterion that is not met read, one per line; a parameter's clause in brackets where it has one."""
    lines = []
    for read in view.reads(criterion):
        clause = f" [{read.source}]" if read.source else ""
        lines.append(
            f"{read.name} = {read.shown}" if read.fy is None else f"{read.name} (FY{read.fy}) = {read.shown}{clause}"
        )
    return "\n".join(lines)


def _criteria(wb: Workbook, view: ReportView) -> None:
    """The criteria that failed or are undecided, lot by lot, in full (the tally sheet counts the rest)."""
    t = view.t
    sheet = Sheet(wb, sheet_title(view, "criteria"), [16, 30, 10, 60, 44, 40, 20], landscape=True, streamed=True)
    headings = [t("report.lot"), t("report.criterion"), t("report.outcome"), t("report.message")]
    headings += [t("report.reads"), t("report.source"), t("interpretations")]
    sheet.table(
        headings,
        (
            [
                item.lot.id,
                c.id,
                t.outcome(c.outcome),
                Text(t.localized(c.message), wrap=True),
                Text(_reads(view, c), wrap=True),
                Text(c.source or "", wrap=True),
                ", ".join(c.interpretations),
            ]
            for item in view.not_met()
            for c in item.criteria
        ),
    )
    if sheet.rows == 1:
        sheet.append([t("report.all_met")])


def _ownership(wb: Workbook, view: ReportView) -> None:
    t = view.t
    sheet = Sheet(wb, sheet_title(view, "ownership"), [16, 30, 10, 110], landscape=True, streamed=True)
    evidence = view.evidence()
    headings = [t("report.lot"), t("report.criterion"), t("report.outcome"), t("report.evidence")]
    sheet.table(headings, ([e.lot, e.criterion, t.outcome(e.outcome), Text(e.text, wrap=True)] for e in evidence))
    if not evidence:
        sheet.append([t("report.no_evidence")])


def _intake(wb: Workbook, view: ReportView) -> None:
    """How the inputs were read where that differs from how they were typed (保有 → held, 令和8年 → 2026 …)."""
    t, notes = view.t, view.result.intake
    sheet = Sheet(wb, sheet_title(view, "intake"), [10, 34, 24, 90], landscape=True)
    sheet.table(
        [t("report.severity"), t("report.location"), t("report.field"), t("report.message")],
        (
            [t("severity." + n.severity), n.location, t.localized(n.field), Text(t.localized(n.message), wrap=True)]
            for n in notes
        ),
    )
    sheet.append([Text(t("report.intake_note") if notes else t("report.no_intake"), wrap=True)])


def _interpretations(wb: Workbook, view: ReportView) -> None:
    t = view.t
    sheet = Sheet(wb, sheet_title(view, "interpretations"), [12, 40, 100, 26], landscape=True)
    sheet.table(
        ["ID", t("report.item"), t("report.decision"), t("report.reference")],
        (
            [i.id, Text(t.localized(i.title), wrap=True), Text(t.localized(i.decision), wrap=True), i.reference]
            for i in view.interpretations()
        ),
    )


def _run(wb: Workbook, view: ReportView) -> None:
    t = view.t
    sheet = Sheet(wb, sheet_title(view, "run"), [34, 110], landscape=True)
    pending = t("report.source_pending")
    rows: list[list[Any]] = [
        *([row.title, row.value] for row in view.run_rows()),
        *(
            [
                f"{t('report.source')}: {s.id}",
                Text(" · ".join(filter(None, (s.title, s.issuer, s.url, pending if s.confirmed is False else None)))),
            ]
            for s in view.result.catalogue.sources
        ),
    ]
    sheet.table([t("report.item"), t("report.value")], rows)


def render_xlsx(result: Result, lang: str = "ja", purpose: str = "precheck") -> bytes:
    """The workbook of a result in one language, for a firm's pre-check or the secretariat's review, as bytes."""
    return xlsx_report(ReportView(result, lang, purpose))


def xlsx_report(view: ReportView) -> bytes:
    """The workbook of a view's result, in its language and for its purpose, as bytes."""
    wb = ReportWorkbook()
    for part in (
        _summary,
        _plan,
        _series,
        _position,
        _lots,
        _criteria_tally,
        _criteria,
        _ownership,
        _intake,
        _interpretations,
        _run,
    ):
        part(wb, view)
    return workbook_bytes(wb, view.result.as_of)


def workbook_bytes(wb: Workbook, as_of: date) -> bytes:
    """The saved workbook, dated ``as_of`` (document properties and zip entries), so the same data gives the same
    bytes."""
    stamp = datetime(as_of.year, as_of.month, as_of.day)
    wb.properties.creator = "gxets-rules"
    wb.properties.created = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    streamed = {rows.ws.path.lstrip("/"): rows for rows in getattr(wb, "streamed", ())}  # named when saved

    def edit(name: str, content: bytes) -> bytes | Iterable[bytes]:
        return with_rows(content, streamed[name]) if name in streamed else _top_aligned(name, content)

    return fixed_zip_times(buffer.getvalue(), stamp, edit)


_PLAIN_XF = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0"/>'
_NORMAL_XF = b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
_TOP = b'<alignment vertical="top"/></xf>'


def _top_aligned(name: str, content: bytes) -> bytes:
    """The workbook's default cell style aligned to the top, so a plain cell beside a wrapped one reads on its first
    line (openpyxl writes the default style without an alignment, and a cell of its own for each plain string would
    cost a style lookup per cell in a table of 100,000 rows)."""
    if name != "xl/styles.xml":
        return content
    content = content.replace(_NORMAL_XF, _NORMAL_XF[:-2] + b' applyAlignment="1">' + _TOP, 1)
    return content.replace(_PLAIN_XF, _PLAIN_XF[:-2] + b' applyAlignment="1">' + _TOP, 1)
