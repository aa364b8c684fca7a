"""Helpers for the workbook tests: every cell value of a workbook, and the examples with their workbooks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl

from scripts.make_example_workbooks import example_pairs

EXAMPLE_PAIRS = example_pairs()


def cell_values(data: bytes | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows of values (not styles, not bytes), as a person would see them."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    workbook = openpyxl.load_workbook(source, read_only=True)
    try:
        return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}
    finally:
        workbook.close()
