"""The Excel review workbook: how a result's numbers travel inside a company.

Sheets: Summary (verdict, reconciliation, the emissions paths and a native Excel chart of them), Position (every
output with its formula and clause), Lots, Criteria, Ownership (evidence such as ownership witness paths),
Interpretations and Run (rule-set revision and input hashes); a Plan sheet when the result carries a purchase plan.
Each table has a frozen, filtered header row; tonnes are formatted ``#,##0`` and yen ``¥#,##0``.

The workbook holds values only, never a formula: every string is stored as a string (``t="inlineStr"``), so a lot id
such as ``=HYPERLINK("http://x")`` or a name starting with ``+``, ``-`` or ``@`` stays inert text. It is written in
openpyxl's write-only mode (rows are streamed, so 10,000 lots stay fast), and the zip is normalised — fixed
timestamps — so the same result gives the same bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from gxets_rules.io.writers import cell_text, fixed_zip_times
from gxets_rules.model.result import CriterionFacts, Result
from gxets_rules.render.view import Cited, ReportView

FORMATS = {"t": "#,##0", "jpy": "¥#,##0", "jpy_per_t": "¥#,##0"}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8ECF0")
TITLE_FONT = Font(bold=True, size=14)
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class Num:
    """A whole number with its unit, formatted ``#,##0`` (t-CO2) or ``¥#,##0`` (yen, and yen a tonne)."""

    value: int
    unit: str | None


def num(value: Any, unit: str | None) -> Any:
    """A result value for a cell: whole numbers keep their unit's format; anything else passes as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Num(value, unit)
    return value


class Sheet:
    """A write-only worksheet whose every string is stored as a string and every number formatted by its unit."""

    def __init__(self, workbook: Workbook, title: str, widths: Sequence[int]) -> None:
        self.ws = workbook.create_sheet(title)
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.rows = 0

    def text(self, value: str, font: Font | None = None, fill: PatternFill | None = None) -> Any:
        clean = cell_text(value)
        if not (font or fill or clean.startswith("=")):
            return clean  # openpyxl keeps a plain string a string; only a leading '=' would make it a formula
        cell = WriteOnlyCell(self.ws, value=clean)
        cell.data_type = "s"  # text, never a formula
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        return cell

    def cell(self, value: Any) -> Any:
        if isinstance(value, Cell):
            return value  # made by the caller (coloured, linked, wrapped): stored as it is
        if value is None or value == "":
            return None  # no cell at all: 70,000 criteria rows are mostly short
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, Num):
            fmt = FORMATS.get(value.unit or "")
            if fmt is None:
                return value.value
            cell = WriteOnlyCell(self.ws, value=value.value)
            cell.number_format = fmt
            return cell
        return self.text(str(value).lower() if isinstance(value, bool) else str(value))

    def append(self, values: Iterable[Any] = ()) -> None:
        self.ws.append([self.cell(v) for v in values])
        self.rows += 1

    def header(self, headings: Iterable[str]) -> None:
        self.ws.append([self.text(h, HEADER_FONT, HEADER_FILL) for h in headings])
        self.rows += 1

    def title(self, text: str) -> None:
        self.ws.append([self.text(text, TITLE_FONT)])
        self.rows += 1

    def table(self, headings: Sequence[str], rows: Iterable[Iterable[Any]]) -> None:
        """The sheet's table: a header row that stays in view and filters the rows under it."""
        first = self.rows + 1
        self.ws.freeze_panes = f"A{first + 1}"
        self.header(headings)
        for row in rows:
            self.append(row)
        self.ws.auto_filter.ref = f"A{first}:{get_column_letter(len(headings))}{max(self.rows, first + 1)}"


def _summary(wb: Workbook, view: ReportView) -> None:
    t, result = view.t, view.result
    sheet = Sheet(wb, "Summary", [56, 20, 18, 64])
    sheet.title(t("report.title"))
    firm, ruleset = result.firm, result.ruleset
    sheet.append([t("report.firm"), f"{firm.name} ({firm.id})"])
    sheet.append([t("group"), firm.group])
    sheet.append([t("ruleset"), f"{ruleset.id} {ruleset.version} — {t.localized(ruleset.title)}"])
    if view.ruleset_from_path:
        sheet.append([None, view.ruleset_from_path])
    sheet.append([t("as_of"), result.as_of.isoformat()])
    status = view.status
    if status is not None:
        sheet.append([status.title, status.shown, None, status.source])
    sheet.append([view.to_buy_title, Num(view.offsets_to_buy_t, "t")])
    for figure in view.dates():
        sheet.append([figure.title, figure.shown, None, figure.source])
    sheet.append()
    sheet.header([t("report.reconciliation"), t("unit.t"), t("cap"), t("report.source")])
    for need in view.needs():
        for basis in need.basis:
            sheet.append([basis.title, _figure_value(basis), None, basis.source])
        sheet.append([f"= {need.need.title}", num(need.need.value, "t"), None, need.need.source])
        for kind, tonnes in need.covered:
            sheet.append([f"− {kind}", Num(tonnes, "t")])
        for cap in need.caps:
            sheet.append([f"{cap.title} ({t('used')})", Num(cap.used_t, "t"), Num(cap.cap_t, "t"), cap.source])
        sheet.append([f"= {view.to_buy_title}", Num(need.offsets_to_buy_t, "t")])
        sheet.append()
    _series_block(sheet, view)
    sheet.append()
    sheet.header([t("issues"), t("report.check"), t("report.location"), t("report.message")])
    if not result.issues:
        sheet.append([t("report.no_issues")])
    for issue in result.issues:
        lot = f" ({issue.lot})" if issue.lot else ""
        severity = t("severity." + issue.severity)
        sheet.append([severity + lot, issue.check, issue.location, t.localized(issue.message)])


def _series_block(sheet: Sheet, view: ReportView) -> None:
    """The yearly paths as a grid — a row per fiscal year, blank where a series has no value — and their chart."""
    t = view.t
    series, notes = view.series()
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
        sheet.append([figure.title, num(figure.value, figure.unit), None, figure.source])
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
    chart.height, chart.width = 10, 20
    x_values = Reference(sheet.ws, min_col=1, min_row=top + 1, max_row=bottom)
    for index in range(len(series)):
        values = Reference(sheet.ws, min_col=2 + index, min_row=top, max_row=bottom)
        line = Series(values, x_values, title_from_data=True)
        line.marker.symbol = MARKERS[index % len(MARKERS)]
        line.smooth = False
        chart.series.append(line)
    sheet.ws.add_chart(chart, f"F{top}")


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
    """A figure for a cell: a whole number stays a number in its unit's format; anything else as the page shows it (a
    yes/no worded — bool is an int, but not a number — an exact fraction by its decimals, a label by its title)."""
    return num(figure.value, figure.unit) if type(figure.value) is int else figure.shown


def _position(wb: Workbook, view: ReportView) -> None:
    t = view.t
    sheet = Sheet(wb, "Position", [26, 52, 16, 10, 8, 60, 50, 24])
    headings = [t("report.section"), t("report.item"), t("report.value"), t("report.unit"), t("fy")]
    headings += [t("report.formula"), t("report.source"), t("interpretations")]
    sections = view.sections(with_series=True)
    sheet.table(headings, (row for s in sections for figure in s.rows for row in _figure_rows(view, s.title, figure)))


def _lots(wb: Workbook, view: ReportView) -> None:
    t = view.t
    sheet = Sheet(wb, "Lots", [16, 24, 14, 24, 12, 14, 24, 8, 44, 44])
    headings = [t("report.lot"), t("report.kind"), t("report.quantity_t"), t("report.lot_status")]
    headings += [t("report.verdict"), t("report.usable_t"), t("report.project_id"), t("report.country")]
    headings += [t("report.failed"), t("report.to_review")]
    sheet.table(
        headings,
        (
            [
                lot.id,
                view.t.kind(lot.kind),
                Num(lot.quantity_t, "t"),
                view.t.lot_status(lot.status),
                view.t.verdict(lot.verdict),
                Num(lot.usable_t, "t"),
                lot.project_id,
                lot.project_country,
                ", ".join(c.id for c in view.criteria(lot) if c.outcome == "fail"),
                ", ".join(c.id for c in view.criteria(lot) if c.outcome == "indeterminate"),
            ]
            for lot in view.result.lots
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
    t = view.t
    sheet = Sheet(wb, "Criteria", [16, 30, 20, 12, 70, 50, 20, 50])
    headings = [t("report.lot"), t("report.criterion"), t("report.rule"), t("report.outcome"), t("report.message")]
    headings += [t("report.source"), t("interpretations"), t("report.reads")]
    sheet.table(
        headings,
        (
            [
                lot.id,
                c.id,
                c.rule,
                view.t.outcome(c.outcome),
                view.t.localized(c.message),
                c.source,
                ", ".join(c.interpretations),
                _reads(view, c),
            ]
            for lot in view.result.lots
            for c in view.criteria(lot)
        ),
    )


def _ownership(wb: Workbook, view: ReportView) -> None:
    t = view.t
    sheet = Sheet(wb, "Ownership", [16, 30, 12, 20, 80, 60])
    evidence = view.evidence()
    headings = [t("report.lot"), t("report.criterion"), t("report.outcome"), t("report.evidence_kind")]
    sheet.table(
        [*headings, t("report.evidence"), t("report.data")],
        ([e.lot, e.criterion, view.t.outcome(e.outcome), e.kind, e.text, _compact(e.data)] for e in evidence),
    )
    if not evidence:
        sheet.append([t("report.no_evidence")])


def _compact(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else ""


def _interpretations(wb: Workbook, view: ReportView) -> None:
    t = view.t
    sheet = Sheet(wb, "Interpretations", [14, 50, 100, 32])
    sheet.table(
        ["ID", t("report.item"), t("report.decision"), t("report.reference")],
        ([i.id, t.localized(i.title), t.localized(i.decision), i.reference] for i in view.interpretations()),
    )


def _run(wb: Workbook, view: ReportView) -> None:
    t = view.t
    sheet = Sheet(wb, "Run", [36, 110])
    rows: list[list[Any]] = [
        *([row.title, row.value] for row in view.run_rows()),
        *(
            [f"{t('report.source')}: {s.id}", " · ".join(filter(None, (s.title, s.issuer, s.url)))]
            for s in view.result.catalogue.sources
        ),
    ]
    sheet.table([t("report.item"), t("report.value")], rows)


def _plan(wb: Workbook, view: ReportView) -> None:
    singles, tables = view.plan()
    if not (singles or tables):
        return
    t = view.t
    sheet = Sheet(wb, "Plan", [36, 24, 20, 20, 20, 20, 24, 24])
    sheet.title(t("report.plan"))
    for title, value, unit in singles:
        sheet.append([title, _plan_cell(view, value, unit)])
    for table in tables:
        sheet.append()
        sheet.header(table.headings)
        for row in table.rows:
            sheet.append(_plan_cell(view, value, unit) for unit, value in zip(table.units, row, strict=True))


def _plan_cell(view: ReportView, value: Any, unit: str | None) -> Any:
    """A plan value for a cell: a whole number stays a number in its unit's format; anything else is worded as the
    HTML words it — a yes/no included, which ``isinstance(value, int)`` would take for a number (bool is an int)."""
    return num(value, unit) if type(value) is int else view.cell(value, unit)


def render_xlsx(result: Result, lang: str = "ja") -> bytes:
    """The review workbook of a result in one language, as bytes."""
    view = ReportView(result, lang)
    wb = Workbook(write_only=True)
    for part in (_summary, _position, _lots, _criteria, _ownership, _interpretations, _run, _plan):
        part(wb, view)
    return workbook_bytes(wb, result.as_of)


def workbook_bytes(wb: Workbook, as_of: date) -> bytes:
    """The saved workbook, dated ``as_of`` (document properties and zip entries), so the same data gives the same
    bytes."""
    stamp = datetime(as_of.year, as_of.month, as_of.day)
    wb.properties.creator = "gxets-rules"
    wb.properties.created = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip_times(buffer.getvalue(), stamp)
