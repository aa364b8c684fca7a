"""The summary workbook of a batch review (``summary.xlsx``): one sheet per table of the summary page.

Built with the per-firm workbook's ``Sheet`` — every string stored as a string, never a formula (a firm id such as
``=HYPERLINK(…)`` stays text), tonnes formatted ``#,##0``, frozen and filtered header rows — and dated like it, so
the same summary gives the same bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl import Workbook

from gxets_rules.render.review_view import Grid, ReviewView
from gxets_rules.render.xlsx import Num, Sheet, workbook_bytes

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


def _sheet(wb: Workbook, view: ReviewView, grid: Grid) -> None:
    sheet = Sheet(wb, SHEETS[grid.id], [max(12, min(60, len(h) + 4)) for h in grid.headings])
    if grid.id == "totals":
        sheet.title(view.t("review.title"))
        for figure in view.figures():
            sheet.append([figure.title, figure.value])
        sheet.append()
    sheet.table(
        grid.headings,
        (
            [Num(v, u) if u and isinstance(v, int) else v for v, u in zip(row, grid.units, strict=True)]
            for row in grid.rows
        ),
    )
    if not grid.rows:
        sheet.append([grid.empty])


def render_review_xlsx(summary: dict[str, Any], lang: str = "ja") -> bytes:
    """The summary workbook of a review summary (``gxets.review.v1`` as a dict) in one language, as bytes."""
    view = ReviewView(summary, lang)
    wb = Workbook(write_only=True)
    for grid in view.grids():
        _sheet(wb, view, grid)
    return workbook_bytes(wb, date.fromisoformat(summary["as_of"]) if summary["as_of"] else EPOCH)
