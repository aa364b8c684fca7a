"""The summary workbook of a batch review (``summary.xlsx``): one sheet per table of the summary page.

Built with the per-firm workbook's ``Sheet`` — every string stored as a string, never a formula (a firm id such as
``=HYPERLINK(…)`` stays text), tonnes formatted ``#,##0``, frozen and filtered header rows — and dated like it, so
the same summary gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook

from gxets_rules.model.review import ReviewSummary
from gxets_rules.render.review_view import Figure, Grid, ReviewView
from gxets_rules.render.xlsx import Sheet, num, workbook_bytes

SHEETS = {
    "totals": "Totals",
    "firms": "Firms",
    "double-claims": "Double claims",
    "era": "Allowances",
    "by-kind": "Credits by kind",
    "by-tse-category": "Credits by TSE category",
    "invalid": "Invalid",
    "warnings": "Intake warnings",
}
EPOCH = date(2000, 1, 1)
"""The workbook's date when no firm was evaluated (otherwise the batch's latest evaluation date)."""


def _sheet(wb: Workbook, grid: Grid, title: str | None = None, figures: Sequence[Figure] = ()) -> None:
    """One table of the summary as a sheet, under a title and the verdict figures where given."""
    sheet = Sheet(wb, SHEETS[grid.id], [max(12, min(60, len(h) + 4)) for h in grid.headings])
    if title:
        sheet.title(title)
        for figure in figures:
            sheet.append([figure.title, figure.value])
        sheet.append()
    sheet.table(grid.headings, ([num(v, u) for v, u in zip(row, grid.units, strict=True)] for row in grid.rows))
    if not grid.rows:
        sheet.append([grid.empty])


def render_review_xlsx(summary: ReviewSummary, lang: str = "ja") -> bytes:
    """The summary workbook of a review summary in one language, as bytes."""
    view = ReviewView(summary, lang)
    wb = Workbook(write_only=True)
    first, *rest = view.grids()
    _sheet(wb, first, view.t("review.title"), view.figures())  # the workbook opens on the verdict
    for grid in rest:
        _sheet(wb, grid)
    return workbook_bytes(wb, summary.as_of or EPOCH)
