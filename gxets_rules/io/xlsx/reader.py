"""Read a submission or ownership workbook into the same plain data a YAML file gives, every value located.

Sheets and columns are found by name, in Japanese or English or as the field's own name (``xlsx/layout.py``), never by
position. The result is a :class:`Document` whose locations are cells (``Lots!C5``), so the one loader
(``load_submission_document``) validates it, and every later check — the rule set's integrity checks included —
points at the cell to fix.

Problems come in two kinds. A workbook whose *structure* cannot be read (a required sheet missing, a merged or
unknown header, more rows than the limit) stops here with all such problems. A *value* that cannot be taken (a
formula without a saved result, an error cell, a number where a date belongs) is reported together with the model's
own findings, so a person sees every wrong cell in one run. A formula with a saved result is read by that result,
with a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from openpyxl.utils import get_column_letter

from gxets_rules.io.normalise import TOTAL_WORDS, typed_cell
from gxets_rules.io.notes import Notes
from gxets_rules.io.vocabulary import Vocabulary, VocabularyFor, column_path, vocabulary
from gxets_rules.io.xlsx.cells import Cell, SheetCells, read_cells
from gxets_rules.io.xlsx.guard import UNREADABLE, Package, SheetPart, XlsxLimits, open_workbook, unreadable
from gxets_rules.io.xlsx.layout import (
    KEY,
    LANGS,
    PARENT,
    ROOTS,
    Column,
    SheetSpec,
    aliases,
    fold,
    form_header,
    heading,
    layout,
    sheet_aliases,
    sheet_name,
    suggestion,
    value_at,
)
from gxets_rules.model.ownership import OWNERSHIP_FORMAT
from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.model.submission import SUBMISSION_FORMAT
from gxets_rules.ruleset.strict_yaml import Document, YamlPath

FORMATS = {"submission": SUBMISSION_FORMAT, "ownership": OWNERSHIP_FORMAT}
T = TypeVar("T")


@dataclass
class WorkbookData:
    """A workbook's part as located plain data, with the value problems and the warnings found on the way."""

    document: Document
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def validated(self, validate: Callable[[Document], T]) -> T:
        """``validate(document)``, with this workbook's value problems reported together with the model's."""
        bad_cells = {p.location for p in self.problems}
        try:
            result = validate(self.document)
        except InputError as exc:
            raise InputError(self.problems + [p for p in exc.problems if p.location not in bad_cells]) from None
        if self.problems:
            raise InputError(self.problems)
        return result


@dataclass
class _Record:
    """One table row: its data, where each column's cell is (and its heading), and the row's own place."""

    number: int
    data: dict[str, Any]
    cells: dict[tuple[str, ...], Location]
    where: Location
    names: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)


class _Reader:
    def __init__(self, path: Path, root: str, vocabulary_for: VocabularyFor) -> None:
        self.path = path
        self.root = root
        self.shown = display_path(path)
        self.structure: list[Problem] = []
        self.values: list[Problem] = []
        self.warnings: list[Problem] = []
        self.notes = Notes()
        self.vocabulary_for = vocabulary_for
        self.ruleset_ref: str | None = None
        self._vocabulary: Vocabulary | None = None
        self.locations: dict[YamlPath, Location] = {(): Location(self.shown)}
        self.names: dict[YamlPath, tuple[str, str]] = {}
        self.records: dict[str, list[_Record]] = {}
        self.foreign: list[SheetPart] = []  # sheets of the other part (the ownership sheets of a submission workbook)

    def at(self, title: str, ref: str) -> Location:
        return Location(self.shown, cell=f"{title}!{ref}")

    @property
    def vocabulary(self) -> Vocabulary:
        """The words of the rule set the submission names (its form sheet is read first)."""
        if self._vocabulary is None:
            self._vocabulary = self.vocabulary_for(self.ruleset_ref)
        return self._vocabulary

    # sheets --------------------------------------------------------------------------------------------------
    def sheets(self, package: Package) -> dict[str, SheetPart]:
        """The workbook's sheets by the key of the spec they match; unknown sheets are reported and skipped."""
        wanted = {name: spec for spec in layout(self.root) for name in sheet_aliases(spec)}
        own = {fold(sheet_name(own, lang)) for own in ("readme", "lists") for lang in LANGS}
        other = {name for root in ROOTS if root != self.root for spec in layout(root) for name in sheet_aliases(spec)}
        found: dict[str, SheetPart] = {}
        for sheet in package.sheets:
            spec = wanted.get(fold(sheet.title))
            if fold(sheet.title) in other:
                self.foreign.append(sheet)
            elif spec is None:
                if fold(sheet.title) not in own:
                    self.warnings.append(Problem.of(self.at(sheet.title, "A1"), "xlsx.sheet_not_read"))
            elif spec.key in found:
                first = found[spec.key].title
                self.structure.append(Problem.of(self.at(sheet.title, "A1"), "xlsx.same_part_twice", first=first))
            else:
                found[spec.key] = sheet
        for spec in layout(self.root):
            if spec.key not in found and _required(self.root, spec):
                names = " / ".join(sheet_name(spec, lang) for lang in LANGS)
                self.structure.append(Problem.of(Location(self.shown), "xlsx.sheet_missing", names=names))
        return found

    def cells(self, package: Package, sheet: SheetPart, limits: XlsxLimits) -> SheetCells:
        try:
            found = read_cells(package, sheet, limits.max_rows + 1)  # the header row and max_rows records
        except UNREADABLE as exc:
            self.structure.append(Problem.of(self.at(sheet.title, "A1"), "xlsx.unreadable_sheet", why=unreadable(exc)))
            return SheetCells(sheet.title)
        if found.over_limit_at is not None:
            where = self.at(found.title, f"A{found.over_limit_at}")
            self.structure.append(Problem.of(where, "xlsx.too_many_rows", limit=f"{limits.max_rows:,}"))
        for ref in found.merged:
            self.structure.append(Problem.of(self.at(found.title, ref), "xlsx.merged"))
        return found

    # values ------------------------------------------------------------------------------------------------------
    def value(self, cell: Cell, column: Column, path: str | None, title: str) -> Any:
        """A cell's value in the form the model reads, or None (blank, or a problem recorded); how a typed value was
        read, where that differs from what was typed, is noted. ``path`` (None on the submission's own form, which
        names the rule set) looks the column up in the rule set's vocabulary."""
        where = self.at(title, cell.ref)
        named = heading(column)
        if cell.error:
            self.values.append(Problem.of(where, "xlsx.error_cell", field=named, value=cell.value))
            return None
        if cell.formula is not None:
            if cell.value is None:
                self.values.append(Problem.of(where, "xlsx.formula_without_result", field=named, formula=cell.formula))
                return None
            self.warnings.append(
                Problem.of(where, "xlsx.formula_read", field=named, formula=cell.formula, value=cell.value)
            )
        listed = None if path is None else self.vocabulary.get(path)
        read = typed_cell(cell.value, column.kind, listed, named)
        if read.error is not None:
            code, args = read.error
            self.values.append(Problem.of(where, code, field=named, **args))
            return None
        if read.note is not None:
            self.notes.add(where, read.note, named)
        return read.value

    def put(self, target: dict[str, Any], path: tuple[str, ...], value: Any, where: Location) -> None:
        node = target
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                self.values.append(Problem.of(where, "xlsx.whole_and_parts", part=part))
                return
            node = child
        if isinstance(node.get(path[-1]), dict):
            self.values.append(Problem.of(where, "xlsx.whole_and_parts", part=path[-1]))
            return
        node[path[-1]] = value

    # forms -------------------------------------------------------------------------------------------------------
    def form(self, spec: SheetSpec, cells: SheetCells) -> dict[str, Any]:
        """A form sheet's object: each item row's value, located at its value cell."""
        data: dict[str, Any] = {}
        self.locations[spec.at] = self.at(cells.title, "A1")
        if not cells.rows:
            return data
        number, heading_row = cells.rows[0]
        found = {key: _find_heading(heading_row, key) for key in ("item", "value")}
        if None in found.values():
            names = " / ".join(f"{form_header('item', lang)}, {form_header('value', lang)}" for lang in LANGS)
            self.structure.append(Problem.of(self.at(cells.title, f"A{number}"), "xlsx.no_form_headers", names=names))
            return data
        item_col, value_col = found["item"], found["value"]
        by_alias = {alias: column for column in spec.columns for alias in aliases(column)}
        seen: dict[str, str] = {}
        for number, row in cells.rows[1:]:
            item = row.get(item_col)  # type: ignore[arg-type]
            if item is None:
                if value_col in row:
                    self.structure.append(
                        Problem.of(self.at(cells.title, row[value_col].ref), "xlsx.value_without_item")
                    )
                continue
            column = by_alias.get(fold(str(item.value)))
            if column is None:
                unused = [c for c in spec.columns if c.dotted not in seen]
                self.unknown_name(self.at(cells.title, item.ref), str(item.value), unused, "item")
                continue
            where = self.at(cells.title, f"{get_column_letter(value_col)}{number}")
            if column.dotted in seen:
                self.structure.append(
                    Problem.of(where, "xlsx.item_twice", item=str(item.value), first=seen[column.dotted])
                )
                continue
            seen[column.dotted] = f"{cells.title}!{item.ref}"
            self.locations[(*spec.at, *column.path)] = where
            self.names[(*spec.at, *column.path)] = heading(column)
            cell = row.get(value_col)  # type: ignore[arg-type]
            path = column_path(spec, column) if spec.at else None
            value = None if cell is None else self.value(cell, column, path, cells.title)
            if value is not None:
                self.put(data, column.path, value, where)
        return data

    def unknown_name(self, where: Location, name: str, unused: list[Column], what: str) -> None:
        """A header or item that is not one of the sheet's: a likely typo of an unused one is an error naming it
        ("did you mean …?"); anything else (備考, メモ) is kept as a note and not read."""
        guess = suggestion(name, unused)
        if guess is not None:
            self.structure.append(Problem.of(where, f"xlsx.unknown_{what}", name=name, guess=guess))
        else:
            self.notes.add(where, ("note.not_read", {"name": name}), None)

    # tables ------------------------------------------------------------------------------------------------------
    def table(self, spec: SheetSpec, cells: SheetCells) -> list[_Record]:
        """A table sheet's records, each with the place of every one of its cells."""
        if not cells.rows:
            return []
        number, heading_row = cells.rows[0]
        columns: dict[int, Column] = {}
        by_alias = {alias: column for column in spec.columns for alias in aliases(column)}
        unknown: list[tuple[Location, str]] = []
        for index, cell in sorted(heading_row.items()):
            column = by_alias.get(fold(str(cell.value)))
            where = self.at(cells.title, cell.ref)
            if column is None:
                unknown.append((where, str(cell.value)))
            elif column in columns.values():
                self.structure.append(Problem.of(where, "xlsx.column_twice", name=str(cell.value)))
            else:
                columns[index] = column
        unused = [column for column in spec.columns if column not in columns.values()]
        for where, name in unknown:
            self.unknown_name(where, name, unused, "column")
        unheaded: set[int] = set()
        records = []
        for number, row in cells.rows[1:]:
            for index, cell in row.items():
                if index not in columns and index not in heading_row and index not in unheaded:
                    unheaded.add(index)
                    self.structure.append(Problem.of(self.at(cells.title, cell.ref), "xlsx.value_without_header"))
            if _adds_up(row, columns):
                self.notes.add(self.at(cells.title, f"A{number}"), ("note.totals_row", {"row": number}), None)
                continue
            record = _Record(number, {}, {}, self.at(cells.title, f"A{number}"))
            for index, column in columns.items():
                where = self.at(cells.title, f"{get_column_letter(index)}{number}")
                record.cells[column.path] = where
                record.names[column.path] = heading(column)
                cell = row.get(index)  # type: ignore[assignment]
                value = None if cell is None else self.value(cell, column, column_path(spec, column), cells.title)
                if value is not None:
                    self.put(record.data, column.path, value, where)
            records.append(record)
        return records

    def place(self, data: dict[str, Any], spec: SheetSpec, records: list[_Record]) -> None:
        """Put a table's records where the model has them: at the top, inside an object, or under parent records."""
        if spec.parent is None:
            for index, record in enumerate(records):
                self.locate((*spec.at, index), record)
            if records or _required(self.root, spec):
                node = data
                for part in spec.at[:-1]:
                    node = node.setdefault(part, {})
                node[spec.at[-1]] = [record.data for record in records]
            return
        parents = self.records.get(spec.parent.key, [])
        index_of = {str(r.data.get("id")): i for i, r in enumerate(parents) if r.data.get("id") is not None}
        field_name = spec.at[-1]
        counts: dict[int, int] = {}
        for record in records:
            parent_id = record.data.pop(PARENT, None)
            if parent_id is None:
                continue  # the model reports nothing here; the missing id is reported below
            if str(parent_id) not in index_of:
                where = record.cells[(PARENT,)]
                sheet = (sheet_name(spec.parent, "ja"), sheet_name(spec.parent, "en"))
                self.values.append(Problem.of(where, "xlsx.no_parent", id=parent_id, sheet=sheet))
                continue
            pi = index_of[str(parent_id)]
            owner = parents[pi].data
            base = (*spec.parent.at, pi, field_name)
            if spec.mapping:
                key = record.data.get(KEY)
                if key is None or field_name not in record.data:
                    continue
                owner.setdefault(field_name, {})[key] = record.data[field_name]
                self.locations[(*base, key)] = record.cells[(field_name,)]  # type: ignore[arg-type]
                self.names[(*base, key)] = record.names[(field_name,)]  # type: ignore[arg-type]
            else:
                j = counts.get(pi, 0)
                counts[pi] = j + 1
                owner.setdefault(field_name, []).append(record.data)
                self.locate((*base, j), record)  # type: ignore[arg-type]
        for record in records:
            for column in spec.columns:
                if column.required and value_at(record.data, column.path) is None and column.path[0] in (PARENT, KEY):
                    self.values.append(Problem.of(record.cells[column.path], "model.missing", field=heading(column)))

    def locate(self, base: YamlPath, record: _Record) -> None:
        self.locations[base] = record.where
        for path, where in record.cells.items():
            self.locations[(*base, *path)] = where
            self.names[(*base, *path)] = record.names[path]

    # the whole workbook ---------------------------------------------------------------------------------------
    def read(self, package: Package, limits: XlsxLimits) -> dict[str, Any]:
        data: dict[str, Any] = {"format": FORMATS[self.root]}
        found = self.sheets(package)
        for spec in (s for s in layout(self.root) if s.key in found):
            cells = self.cells(package, found[spec.key], limits)
            if spec.form:
                part = self.form(spec, cells)
                if not spec.at and isinstance(part.get("ruleset"), str):
                    self.ruleset_ref = part["ruleset"]
                if spec.at and (part or _required(self.root, spec)):
                    data[spec.at[0]] = part
                elif not spec.at:
                    data.update(part)
                continue
            records = self.table(spec, cells)
            self.records[spec.key] = records
            self.place(data, spec, records)
        return data


def _find_heading(row: dict[int, Cell], key: str) -> int | None:
    names = {fold(form_header(key, lang)) for lang in LANGS} | {key}
    return next((index for index, cell in row.items() if fold(str(cell.value)) in names), None)


def _is_total(cell: Cell) -> bool:
    return cell.formula is not None or (isinstance(cell.value, str) and fold(cell.value) in TOTAL_WORDS)


def _adds_up(row: dict[int, Cell], columns: dict[int, Column]) -> bool:
    """Whether a row is one a person added to add up the rows above (合計, =SUM(…)), not a record: it has no id of
    its own, and each of its cells is a formula or a word such as 合計."""
    ids = [i for i, column in columns.items() if column.path in (("id",), (PARENT,))]
    if any(i in row and not _is_total(row[i]) for i in ids):
        return False
    return bool(row) and all(_is_total(cell) for cell in row.values())


def _required(root: str, spec: SheetSpec) -> bool:
    model_field = ROOTS[root].model_fields.get(spec.at[0]) if spec.at else None
    return spec.parent is None and len(spec.at) == 1 and model_field is not None and model_field.is_required()


def read_workbook(
    path: Path, root: str, limits: XlsxLimits, vocabulary_for: VocabularyFor | None = None
) -> WorkbookData:
    """A workbook's ``submission`` or ``ownership`` part as located data; structural problems raise at once.

    ``vocabulary_for`` gives the words of the rule set the submission names (default: the model's own and the
    countries, no rule set's); how each typed value was read, where that differs from what was typed, is a note.
    """
    package, warnings = open_workbook(path, limits)
    reader = _Reader(path, root, vocabulary_for or (lambda _ref: vocabulary(None)))
    reader.warnings.extend(warnings)
    try:
        data = reader.read(package, limits)
        if root == "submission":
            _embedded_ownership(reader, package, data)
    finally:
        package.close()
    if reader.structure:
        raise InputError(reader.structure + reader.values)
    document = Document(data=data, file=reader.shown, locations=reader.locations, names=reader.names)
    return WorkbookData(document, reader.values, reader.warnings + reader.notes.problems())


def _has_records(package: Package, sheet: SheetPart) -> bool:
    """Whether a sheet has a row under its header (an unreadable sheet is reported when it is read as ownership)."""
    try:
        return len(read_cells(package, sheet, 2).rows) > 1
    except UNREADABLE:
        return False


def _embedded_ownership(reader: _Reader, package: Package, data: dict[str, Any]) -> None:
    """Ownership sheets with records in a submission workbook: its ownership file is then the workbook itself."""
    if not any(_has_records(package, sheet) for sheet in reader.foreign):
        return
    if data.get("ownership"):
        where = reader.locations[("ownership",)]
        reader.structure.append(Problem.of(where, "xlsx.ownership_twice"))
    else:
        data["ownership"] = reader.path.name


def parts_in(path: Path, limits: XlsxLimits) -> set[str]:
    """Which parts (``submission``, ``ownership``) a workbook has sheets for, by their names."""
    package, _ = open_workbook(path, limits)
    package.close()
    titles = {fold(sheet.title) for sheet in package.sheets}
    return {root for root in ROOTS if any(titles & sheet_aliases(spec) for spec in layout(root))}
