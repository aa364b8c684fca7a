"""Credit lots from CSV: the fast path for large holdings.

YAML is about 100× slower to parse than CSV, so a submission may keep its lots in a CSV
file with one row per lot. Columns are the lot fields; project fields carry a
``project.`` prefix (``project.country``). Empty cells mean "not given". Every row is
validated by the same :class:`CreditLot` model as YAML lots, and problems are reported
as ``file.csv:row:column``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from gxets_rules.model.locate import problems_from_validation
from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.model.submission import CreditLot, Project

LOT_COLUMNS = [name for name in CreditLot.model_fields if name != "project"]
PROJECT_COLUMNS = [f"project.{name}" for name in Project.model_fields]
ALL_COLUMNS = LOT_COLUMNS + PROJECT_COLUMNS
_INT_FIELDS = {"quantity_t", "serial_start", "serial_end", "vintage"}

_LOTS = TypeAdapter(list[CreditLot])


def whole_number(text: str) -> int | str:
    """Text of a whole number as an int ("30,000" too); anything else stays text for the model to report, located."""
    try:
        return int(text.replace(",", "").replace("_", ""))
    except ValueError:
        return text


def _cell(column: str, text: str) -> Any:
    """Whole-number columns become ints; anything else stays text for the model to check."""
    return whole_number(text) if column in _INT_FIELDS else text


def read_lots_csv(path: Path, max_rows: int = 1_000_000) -> tuple[list[CreditLot], list[Location]]:
    """Read lots from CSV; return them with the location of each one's row."""
    shown = display_path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError([Problem(Location(shown), f"cannot read lots CSV: {exc.strerror}")]) from None
    problems: list[Problem] = []
    records: list[dict[str, Any]] = []
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise InputError([Problem(Location(shown, 1), "the lots CSV has no header row")])
        header = [name.strip() for name in header]
        unknown = [name for name in header if name not in ALL_COLUMNS]
        for name in unknown:
            column = header.index(name) + 1
            problems.append(Problem(Location(shown, 1, column), f"unknown column {name!r}"))
        for column, name in enumerate(header, start=1):
            first = header.index(name) + 1
            if first != column:  # which of the two cells counts would be a guess
                where = Location(shown, 1, column)
                problems.append(Problem(where, f"column {name!r} is given twice (first in column {first})"))
        for number, row in enumerate(reader, start=2):
            if len(records) >= max_rows:
                raise InputError([Problem(Location(shown, number), f"more than {max_rows:,} lots")])
            if not any(cell.strip() for cell in row):
                continue
            record: dict[str, Any] = {}
            project: dict[str, Any] = {}
            for name, cell in zip(header, row, strict=False):
                text = cell.strip()
                if not text or name in unknown:
                    continue
                if name.startswith("project."):
                    project[name[len("project.") :]] = _cell(name, text)
                else:
                    record[name] = _cell(name, text)
            if project:
                record["project"] = project
            records.append({"row": number, "data": record})
    if problems:
        raise InputError(problems)
    data = [r["data"] for r in records]
    rows = [Location(shown, r["row"]) for r in records]

    def locate(path: tuple[str | int, ...]) -> Location:
        if len(path) >= 1 and isinstance(path[0], int):
            row = rows[path[0]]
            column_name = ".".join(str(p) for p in path[1:3])
            if column_name in header:
                return Location(shown, row.line, header.index(column_name) + 1)
            return row
        return Location(shown)

    try:
        lots = _LOTS.validate_python(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, locate, data, "gxets schema submission")) from None
    return lots, rows
