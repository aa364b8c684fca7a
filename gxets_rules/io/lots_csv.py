"""Credit lots from CSV: the fast path for large holdings (DESIGN.md §8), in the encodings Japanese Excel writes.

YAML is about 100× slower to parse than CSV, so a submission may keep its lots in a CSV file with one row per lot.
Columns are the lot fields (``quantity_t``; project fields with a ``project.`` prefix, ``project.country``) or the
headings of the workbook's lots sheet in Japanese or English (``数量（t-CO2）``). Empty cells mean "not given".

A CSV saved by Japanese Excel is CP932 (Shift_JIS) or UTF-8 with a BOM; the reader tries UTF-8 (with or without BOM)
and then CP932, strictly, and notes which it used — a file that is neither is reported, never guessed. Values are read
as a person typed them, like a workbook's cells (``io/normalise.py``), each reading noted; columns that are not lot
fields (備考) are noted and not read; a row without an id that adds up the others (合計) is skipped with a note.
Every row is validated by the same :class:`CreditLot` model as YAML lots, strictly and in chunks as the rows come
(the raw data of one chunk is held beside the lots, not of the whole file); problems are reported as
``file.csv:line:column`` with the column's heading. The file must be a regular file of at most MAX_CSV_BYTES; a
field longer than the CSV reader takes, a NUL byte, text after a closing quote or a row with more cells than the
header names are located refusals.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from gxets_rules.io.csv_text import excel_csv_text
from gxets_rules.io.normalise import TOTAL_WORDS, Typed, typed_text
from gxets_rules.io.notes import Notes
from gxets_rules.io.vocabulary import Vocabulary, column_path
from gxets_rules.io.xlsx.layout import Column, aliases, fold, heading, layout, suggestion
from gxets_rules.model.base import share_fields_set
from gxets_rules.model.locate import problems_from_validation
from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.model.submission import CreditLot, Project
from gxets_rules.model.wording import Words
from gxets_rules.ruleset.files import read_limited

_LOTS = TypeAdapter(list[CreditLot])
_LOTS_SPEC = next(spec for spec in layout("submission") if spec.key == "lots")
"""The workbook's lots sheet: the CSV has its columns (one source for both)."""
ALL_COLUMNS = [column.dotted for column in _LOTS_SPEC.columns]
"""The CSV's column names as fields (``quantity_t``, ``project.country``), for a program that writes one."""
MAX_LOTS = 1_000_000
"""Most lots a lots CSV may hold (README "Limits")."""
MAX_CSV_BYTES = 512 * 1024 * 1024
"""Largest lots CSV read: about two million lots' worth, so the row limit is what a real file meets first."""
MAX_FIELD = 131_072
"""Longest cell accepted (the csv module's own limit, stated so that the message can say it)."""
CHUNK = 5_000
"""Rows validated at a time."""


def decoded(path: Path, shown: str) -> tuple[str, str]:
    """The file's text and the name of the encoding it was read in: UTF-8 (BOM or not), else CP932."""
    if not path.exists() and not path.is_symlink():
        raise InputError([Problem.of(Location(shown), "csv.missing")])
    raw = read_limited(path, shown, MAX_CSV_BYTES, "advice.split_lots")
    found = excel_csv_text(raw)
    if found is None:
        raise InputError([Problem.of(Location(shown), "csv.encoding")])
    return found


class _LotsReader:
    def __init__(self, shown: str, vocabulary: Vocabulary) -> None:
        self.shown = shown
        self.vocabulary = vocabulary
        self.problems: list[Problem] = []
        self.notes = Notes()
        self.columns: dict[int, Column] = {}
        self.readers: list[_ColumnReader] = []  # made once the header is read: what each row's cells are read with
        self.ids: list[int] = []
        self.fields_sets: dict[frozenset[str], set[str]] = {}
        self.projects: dict[tuple[Any, ...], Project] = {}

    def header(self, names: list[str]) -> None:
        """Which lot field each column holds; an unknown column is a note, or an error when it looks like a typo."""
        by_alias = {alias: column for column in _LOTS_SPEC.columns for alias in aliases(column)}
        first: dict[str, int] = {}
        unknown: list[tuple[int, str]] = []
        for number, name in enumerate(names, start=1):
            column = by_alias.get(fold(name))
            where = Location(self.shown, 1, number)
            if column is None:
                unknown.append((number, name))
            elif column.dotted in first:
                self.problems.append(Problem.of(where, "csv.column_twice", name=name, first=first[column.dotted]))
            else:
                first[column.dotted] = number
                self.columns[number] = column
        unused = [column for column in _LOTS_SPEC.columns if column.dotted not in first]
        for number, name in unknown:
            guess = suggestion(name, unused)
            where = Location(self.shown, 1, number)
            if guess is not None:
                self.problems.append(Problem.of(where, "xlsx.unknown_column", name=name, guess=guess))
            else:
                self.notes.add(where, ("note.not_read", {"name": name}), None)
        self.readers = [_ColumnReader(number, column, self.vocabulary) for number, column in self.columns.items()]
        self.ids = [n for n, column in self.columns.items() if column.path == ("id",)]

    def shared(self, lot: CreditLot) -> CreditLot:
        """The lot, holding what it has in common with the lots before it as one object: the set of fields it was
        given, and its project when an earlier lot's is the same.

        A lot's two models would otherwise hold two sets of field names (``share_fields_set``) and a project model of
        its own though many lots name the same project: at 300,000 lots, most of a gigabyte. The models are frozen, so
        nothing changes what they share.
        """
        share_fields_set(lot, self.fields_sets)
        project = lot.project
        if project is not None:
            key = (*project.__dict__.values(), frozenset(project.__pydantic_fields_set__))
            same = self.projects.setdefault(key, project)
            if same is project:
                share_fields_set(project, self.fields_sets)
            else:
                lot.__dict__["project"] = same
        return lot

    def record(self, line: int, row: list[str]) -> dict[str, Any] | None:
        """A row's lot as the model reads it, or None for a totals row (noted)."""
        cells = {number: text.strip() for number, text in enumerate(row, start=1) if text.strip()}
        if not any(n in cells for n in self.ids) and any(fold(text) in TOTAL_WORDS for text in cells.values()):
            self.notes.add(Location(self.shown, line, 1), ("note.totals_row", {"row": line}), None)
            return None
        record: dict[str, Any] = {}
        for column in self.readers:
            text = cells.get(column.number)
            if text is None:
                continue
            read = column.read(text)
            if read.error is not None:
                code, args = read.error
                where = Location(self.shown, line, column.number)
                self.problems.append(Problem.of(where, code, field=column.named, **args))
                continue
            if read.note is not None:
                self.notes.add(Location(self.shown, line, column.number), read.note, column.named)
            node = record
            for part in column.parents:
                node = node.setdefault(part, {})
            node[column.key] = read.value
        return record


class _ColumnReader:
    """One column of the lots CSV, with what reading its cells needs worked out once (not once per cell: a lots CSV
    may have 300,000 rows), and the readings of the texts it met last (a column of codes, countries, dates or years
    repeats a few texts down the whole file; reading the same text again gives the same immutable reading)."""

    REMEMBERED = 4_096
    """Distinct texts remembered per column: its codes and years fit; ids and serials, each met once, are forgotten
    in turn, so memory stays bounded."""

    def __init__(self, number: int, column: Column, vocabulary: Vocabulary) -> None:
        self.number = number
        self.kind = column.kind
        self.named = heading(column)
        self.choices = vocabulary.get(column_path(_LOTS_SPEC, column))
        self.parents = column.path[:-1]
        self.key = column.path[-1]
        self.plain = self.kind == "text" and self.choices is None  # read as typed: nothing to remember
        self.known: dict[str, Typed] = {}

    def read(self, text: str) -> Typed:
        if self.plain:
            return Typed(text)
        if self.kind == "int" and text.isascii() and text.isdigit() and (text[0] != "0" or len(text) == 1):
            return Typed(int(text))  # plain digits (quantities, serials: each met once) read as typed, no note
        found = self.known.get(text)
        if found is None:
            if len(self.known) >= self.REMEMBERED:
                self.known.clear()
            found = self.known[text] = typed_text(text, self.kind, self.choices, self.named)
        return found


def _rows(text: str, shown: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every row after the header; a malformed row is a located input error."""
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            found = str(exc)
            code = "csv.field_too_long" if "field larger" in found else "csv.nul" if "NUL" in found else "csv.malformed"
            raise InputError(
                [Problem.of(Location(shown, reader.line_num or line), code, detail=found, limit=f"{MAX_FIELD:,}")]
            ) from None
        if any("\x00" in cell for cell in row):  # text holds no NUL: a binary file, or a corrupt one
            raise InputError([Problem.of(Location(shown, line), "csv.nul")])
        yield line, row
        line = reader.line_num + 1


def read_lots_csv(
    path: Path, vocabulary: Vocabulary, max_rows: int = MAX_LOTS
) -> tuple[list[CreditLot], list[Location], list[Problem]]:
    """Read lots from CSV: the lots, the location of each one's row, and the notes of the reading."""
    shown = display_path(path)
    text, encoding = decoded(path, shown)
    reader = _LotsReader(shown, vocabulary)
    reader.notes.add(Location(shown), ("note.encoding", {"encoding": encoding}), None)
    rows = _rows(text, shown)
    _, names = next(rows, (1, []))
    if not any(name.strip() for name in names):
        raise InputError([Problem.of(Location(shown, 1), "csv.no_header")])
    reader.header([name.strip() for name in names])
    lots: list[CreditLot] = []
    places: list[Location] = []
    chunk: list[dict[str, Any]] = []
    for line, row in rows:
        if len(places) >= max_rows:
            raise InputError([Problem.of(Location(shown, line), "csv.too_many_rows", limit=f"{max_rows:,}")])
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names) and any(cell.strip() for cell in row[len(names) :]):
            where = Location(shown, line, len(names) + 1)
            reader.problems.append(Problem.of(where, "csv.surplus_cells", cells=len(row), columns=len(names)))
            continue
        record = reader.record(line, row)
        if record is not None:
            chunk.append(record)
            places.append(Location(shown, line))
            if len(chunk) == CHUNK:
                lots.extend(_validated(chunk, places, reader))
                chunk = []
    lots.extend(_validated(chunk, places, reader))
    if reader.problems:
        raise InputError(reader.problems)
    return lots, places, reader.notes.problems()


def _validated(chunk: list[dict[str, Any]], places: list[Location], reader: _LotsReader) -> list[CreditLot]:
    """The chunk's lots (the last ``len(chunk)`` rows of ``places``), validated strictly; its problems, located by row
    and column, are added to the reader's (and its lots dropped: nothing is evaluated once a row is wrong)."""
    if not chunk:
        return []
    offset = len(places) - len(chunk)
    column_of = {column.path: number for number, column in reader.columns.items()}
    heading_of = {column.path: heading(column) for column in reader.columns.values()}

    def locate(data_path: tuple[str | int, ...]) -> Location:
        if data_path and isinstance(data_path[0], int) and offset + data_path[0] < len(places):
            place = places[offset + data_path[0]]
            field = tuple(str(p) for p in data_path[1:3])
            return Location(place.file, place.line, column_of[field]) if field in column_of else place
        return Location(reader.shown)

    def name_of(data_path: tuple[str | int, ...]) -> Words | None:
        return heading_of.get(tuple(str(p) for p in data_path[1:3]))

    try:
        return [reader.shared(lot) for lot in _LOTS.validate_python(chunk, strict=True)]
    except ValidationError as exc:
        found = problems_from_validation(exc, locate, chunk, "gxets schema submission", name_of)
        reader.problems.extend(
            Problem(
                p.location,
                p.message,
                _ROW.sub(lambda m: f"[{offset + int(m.group(1))}]", p.path),
                p.code,
                p.args,
                p.field,
            )
            for p in found
        )
        return []


_ROW = re.compile(r"^\[(\d+)\]")
