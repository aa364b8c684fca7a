"""The cells of one worksheet, streamed: value, formula and place, with a limit on rows.

openpyxl's read-only worksheet fills every gap between rows with empty rows (a sheet with one cell in row 1,048,576
would yield a million rows), and it gives either a formula or its cached value, never both. A reviewer needs both —
the value is what the person saw, the formula is why it deserves a warning — so this module drives openpyxl's own
streaming sheet parser (``WorkSheetParser``: shared strings, dates and number types as openpyxl reads them, every
XML part through defusedxml) and records, per cell, its cached value and whether a formula produced it. Rows are
counted as they stream, so a sheet with more rows than the limit is refused after reading that many, whatever its
``<dimension>`` claims. Merged ranges are reported by the parser after the last row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from gxets_rules.io.xlsx.guard import Package, SheetPart


@dataclass(frozen=True, slots=True)
class Cell:
    """One non-empty cell: its cached value, the formula behind it (if any) and whether it holds an error."""

    row: int
    column: int
    value: Any
    formula: str | None = None
    error: bool = False

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


@dataclass
class SheetCells:
    """The non-empty rows of a sheet (row number → column → cell) and its merged ranges."""

    title: str
    rows: list[tuple[int, dict[int, Cell]]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    over_limit_at: int | None = None  # the first row past the limit; nothing after it was read


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, keeping the cached value (``data_only``) and noting each formula."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        formula = element.find(FORMULA_TAG)
        cell: dict[str, Any] = super().parse_cell(element)
        cell["formula"] = None if formula is None else "=" + (formula.text or "")
        return cell


def _cells(row: list[dict[str, Any]]) -> Iterator[Cell]:
    for raw in row:
        value = raw["value"]
        if isinstance(value, str) and not value.strip():
            value = None
        if value is None and raw["formula"] is None:
            continue
        yield Cell(raw["row"], raw["column"], value, raw["formula"], raw["data_type"] == "e")


def read_cells(package: Package, sheet: SheetPart, max_rows: int) -> SheetCells:
    """Every non-empty row of ``sheet``, stopping after ``max_rows`` non-empty rows (then ``over_limit_at`` is set)."""
    found = SheetCells(sheet.title)
    with package.archive.open(sheet.part) as source:
        parser = _Parser(
            source,
            package.shared_strings,
            data_only=True,
            epoch=package.epoch,
            date_formats=package.date_formats,
            timedelta_formats=package.timedelta_formats,
        )
        for number, row in parser.parse():
            cells = {cell.column: cell for cell in _cells(row)}
            if not cells:
                continue
            if len(found.rows) >= max_rows:
                found.over_limit_at = number
                return found
            found.rows.append((number, cells))
        if parser.merged_cells is not None:
            found.merged = [str(ref.ref) for ref in parser.merged_cells.mergeCell]
    return found
