"""Credit lots from CSV: the fast path for large holdings.

YAML is about 100× slower to parse than CSV, so a submission may keep its lots in a CSV
file with one row per lot. Columns are the lot fields; project fields carry a
``project.`` prefix (``project.country``). Empty cells mean "not given". Every row is
validated by the same :class:`CreditLot` model as YAML lots, and problems are reported
as ``file.csv:row:column``.

A CSV cell is text typed by a person, so each is given its column's type here (whole numbers, exact decimals, ISO
dates — the column kinds of the workbook layout, from the same model) before the model validates strictly. The file
is streamed under a byte limit; text that is not UTF-8, a field longer than the CSV reader takes, a NUL byte or a row
with more cells than the header names are located refusals.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from gxets_rules.io.xlsx.layout import layout
from gxets_rules.model.locate import problems_from_validation
from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.model.submission import CreditLot, Project
from gxets_rules.ruleset.files import LimitedReader

LOT_COLUMNS = [name for name in CreditLot.model_fields if name != "project"]
PROJECT_COLUMNS = [f"project.{name}" for name in Project.model_fields]
ALL_COLUMNS = LOT_COLUMNS + PROJECT_COLUMNS
MAX_LOTS = 1_000_000
"""Most lots a lots CSV may hold (README "Limits")."""
MAX_CSV_BYTES = 512 * 1024 * 1024
"""Largest lots CSV read: about two million lots' worth, so the row limit is what a real file meets first."""
CHUNK = 5_000
"""Rows validated at a time."""
MAX_FIELD = 131_072
"""Longest cell accepted (the csv module's own limit, stated here so that the message can say it)."""

_LOTS = TypeAdapter(list[CreditLot])
_DECIMAL = re.compile(r"[-+]?(\d[\d,]*)?(\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def whole_number(text: str) -> int | str:
    """Text of a whole number as an int ("30,000" too); anything else stays text for the model to report, located."""
    try:
        return int(text.replace(",", "").replace("_", ""))
    except ValueError:
        return text


def typed_text(text: str, kind: str) -> Any:
    """A text cell as the model reads a column of ``kind`` (int, decimal, date; else text): whole numbers (30,000
    too), exact decimals and ISO dates. Text that is none of those stays text, so the model names the field."""
    if kind == "int":
        return whole_number(text)
    if kind == "decimal" and text and _DECIMAL.fullmatch(text):
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            return text
    if kind == "date" and _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _column_kinds() -> dict[str, str]:
    """Each CSV column's value kind, from the workbook layout of the lots table (one description of the model)."""
    lots = next(spec for spec in layout("submission") if spec.at == ("lots",))
    return {column.dotted: column.kind for column in lots.columns}


def _rows(path: Path, shown: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every row, streamed under the byte limit; unreadable text is a located input error."""
    stream = io.TextIOWrapper(
        io.BufferedReader(LimitedReader(path, shown, MAX_CSV_BYTES, "split the lots over several files")),
        encoding="utf-8-sig",
        newline="",
    )
    with stream:
        reader = csv.reader(stream, strict=True)
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                message = "not UTF-8 text; save the CSV as UTF-8 (Excel: CSV UTF-8)"
                raise InputError([Problem(_undecodable(path, shown), message)]) from None
            except csv.Error as exc:
                raise InputError([Problem(Location(shown, reader.line_num or line), _csv_problem(exc))]) from None
            if any("\x00" in cell for cell in row):  # text holds no NUL: this is a binary file, or a corrupt one
                raise InputError([Problem(Location(shown, line), "the file holds a NUL byte; it is not a text CSV")])
            yield line, row
            line = reader.line_num + 1


def _undecodable(path: Path, shown: str) -> Location:
    """Where the first byte that is not UTF-8 is (the text layer decodes ahead of the CSV reader's line count)."""
    with LimitedReader(path, shown, MAX_CSV_BYTES, "split the lots over several files") as raw:
        for number, line in enumerate(io.BufferedReader(raw), start=1):
            try:
                line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                return Location(shown, number, len(line[: exc.start].decode("utf-8", "replace")) + 1)
    return Location(shown)


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a cell is longer than {MAX_FIELD:,} characters"
    if "NUL" in text:
        return "the file holds a NUL byte; it is not a text CSV"
    return f"malformed CSV: {text}"


def _header_problems(header: list[str], shown: str) -> list[Problem]:
    """Unknown columns, and columns given twice (which of the two cells counts would be a guess)."""
    problems = []
    for column, name in enumerate(header, start=1):
        first = header.index(name) + 1
        if name not in ALL_COLUMNS and first == column:
            problems.append(Problem(Location(shown, 1, column), f"unknown column {name[:60]!r}"))
        elif first != column:
            where = Location(shown, 1, column)
            problems.append(Problem(where, f"column {name[:60]!r} is given twice (first in column {first})"))
    return problems


def _record(header: list[str], row: list[str], kinds: dict[str, str], unknown: set[str]) -> dict[str, Any]:
    """One row as the lot's data: typed cells under their fields, project fields nested (empty cells left out)."""
    record: dict[str, Any] = {}
    project: dict[str, Any] = {}
    for name, cell in zip(header, row, strict=False):
        text = cell.strip()
        if not text or name in unknown:
            continue
        value = typed_text(text, kinds.get(name, "text"))
        if name.startswith("project."):
            project[name[len("project.") :]] = value
        else:
            record[name] = value
    if project:
        record["project"] = project
    return record


def read_lots_csv(path: Path, max_rows: int = MAX_LOTS) -> tuple[list[CreditLot], list[Location]]:
    """Read lots from CSV; return them with the location of each one's row.

    Rows are validated in chunks as they stream, so the raw text of at most one chunk is held beside the lots (a
    300,000-lot file would otherwise hold every row twice); every problem of every chunk is still reported.
    """
    shown = display_path(path)
    csv.field_size_limit(MAX_FIELD)
    rows = _rows(path, shown)
    _, header = next(rows, (1, []))
    if not any(name.strip() for name in header):
        raise InputError([Problem(Location(shown, 1), "the lots CSV has no header row")])
    header = [name.strip() for name in header]
    kinds = _column_kinds()
    unknown = {name for name in header if name not in ALL_COLUMNS}
    problems = _header_problems(header, shown)
    lots: list[CreditLot] = []
    lines: list[Location] = []
    chunk: list[dict[str, Any]] = []
    for number, row in rows:
        if len(lines) >= max_rows:
            raise InputError([Problem(Location(shown, number), f"more than {max_rows:,} lots")])
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            where = Location(shown, number, len(header) + 1)
            problems.append(Problem(where, f"the row has {len(row)} cells but the header names {len(header)} columns"))
            continue
        chunk.append(_record(header, row, kinds, unknown))
        lines.append(Location(shown, number))
        if len(chunk) == CHUNK:
            lots.extend(_validated(chunk, lines, len(lines) - len(chunk), header, problems))
            chunk = []
    lots.extend(_validated(chunk, lines, len(lines) - len(chunk), header, problems))
    if problems:
        raise InputError(problems)
    return lots, lines


def _validated(
    chunk: list[dict[str, Any]], lines: list[Location], offset: int, header: list[str], problems: list[Problem]
) -> list[CreditLot]:
    """The chunk's lots (rows ``offset`` … of the file's lots); its problems, located by row and column, are added to
    ``problems`` and its lots dropped (nothing is evaluated once one row is wrong)."""

    def locate(path: tuple[str | int, ...]) -> Location:
        if path and isinstance(path[0], int):
            row = lines[offset + path[0]]
            column_name = ".".join(str(p) for p in path[1:3])
            if column_name in header:
                return Location(row.file, row.line, header.index(column_name) + 1)
            return row
        return Location(lines[offset].file if lines else "")

    try:
        return _LOTS.validate_python(chunk, strict=True)
    except ValidationError as exc:
        found = problems_from_validation(exc, locate, chunk, "gxets schema submission")
        problems.extend(
            Problem(p.location, p.message, re.sub(r"^\[(\d+)\]", lambda m: f"[{offset + int(m.group(1))}]", p.path))
            for p in found
        )
        return []
