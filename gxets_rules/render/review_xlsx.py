"""The summary workbook of a batch review (``summary.xlsx``): one sheet per table of the summary page.

Built with the per-firm workbook's ``Sheet`` — every string stored as a string, never a formula (a firm id such as
``=HYPERLINK(…)`` stays text), tonnes formatted ``#,##0``, frozen and filtered header rows — and dated like it, so
the same summary gives the same bytes. Sheets are named in the summary's language. Each column is as wide as its
longest entry (counting a Japanese character as two), up to a limit past which its text wraps, so no cell is cut off;
a firm's status and decision are coloured; its report and result are links.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from gxets_rules.io.writers import cell_text
from gxets_rules.model.review import ReviewSummary
from gxets_rules.render.review_view import Badge, Figure, Grid, Link, ReviewView
from gxets_rules.render.width import display_width
from gxets_rules.render.xlsx import Sheet, num, workbook_bytes

EPOCH = date(2000, 1, 1)
"""The workbook's date when no firm was evaluated (otherwise the batch's latest evaluation date)."""
MIN_WIDTH, MAX_WIDTH = 10, 60
TONES = {
    "ok": PatternFill("solid", fgColor="E3F3EA"),
    "warn": PatternFill("solid", fgColor="FFF4D6"),
    "bad": PatternFill("solid", fgColor="FBE9E7"),
}
WRAP = Alignment(wrap_text=True, vertical="top")
LINK_FONT = Font(color="1F5FA8", underline="single")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(grid: Grid, view: ReviewView) -> str:
    """A grid's sheet, named in the summary's language (Excel: at most 31 characters, none of ``[]:*?/\\``)."""
    return SHEET_NAME_FORBIDDEN.sub(" ", view.t("review.sheet." + grid.id))[:31].strip()


def _widths(grid: Grid, view: ReviewView) -> list[int]:
    widths = []
    for i, heading in enumerate(grid.headings):
        longest = max(
            [display_width(heading), *(display_width(line) for row in grid.rows for line in _text(row[i], view))]
        )
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, longest + 2)))
    return widths


def _text(value: Any, view: ReviewView) -> list[str]:
    if value is None:
        return [""]
    if isinstance(value, Link):
        return [value.text]
    if isinstance(value, int) and not isinstance(value, bool):
        return [view.t.value(value)]
    return str(value).splitlines() or [""]


def _cell(sheet: Sheet, value: Any, unit: str | None, width: int, view: ReviewView) -> Any:
    if isinstance(value, Badge):
        cell = WriteOnlyCell(sheet.ws, value=cell_text(value.text))
        cell.data_type = "s"
        if value.tone in TONES:
            cell.fill = TONES[value.tone]
        cell.alignment = WRAP
        return cell
    if isinstance(value, Link):
        cell = WriteOnlyCell(sheet.ws, value=cell_text(value.text))
        cell.data_type = "s"
        cell.hyperlink = value.href
        cell.font = LINK_FONT
        return cell
    if isinstance(value, str) and max(display_width(line) for line in _text(value, view)) > width - 2:
        cell = WriteOnlyCell(sheet.ws, value=cell_text(value))
        cell.data_type = "s"
        cell.alignment = WRAP
        return cell
    return num(value, unit)


def _sheet(
    wb: Workbook, grid: Grid, view: ReviewView, title: str | None = None, figures: Sequence[Figure] = ()
) -> None:
    """One table of the summary as a sheet, under a title and the verdict figures where given."""
    widths = _widths(grid, view)
    sheet = Sheet(wb, sheet_name(grid, view), widths)
    if title:
        sheet.title(title)
        for figure in figures:
            sheet.append([figure.title, figure.value])
        sheet.append()
    sheet.table(
        grid.headings,
        ([_cell(sheet, v, u, w, view) for v, u, w in zip(row, grid.units, widths, strict=True)] for row in grid.rows),
    )
    if not grid.rows:
        sheet.append([grid.empty])


def render_review_xlsx(summary: ReviewSummary, lang: str = "ja") -> bytes:
    """The summary workbook of a review summary in one language, as bytes."""
    view = ReviewView(summary, lang)
    wb = Workbook(write_only=True)
    first, *rest = view.grids()
    _sheet(wb, first, view, view.t("review.title"), view.figures())  # the workbook opens on the verdict
    for grid in rest:
        _sheet(wb, grid, view)
    return workbook_bytes(wb, summary.as_of or EPOCH)
