"""Write a submission or ownership workbook: the empty template, or a filled one converted from YAML.

Both are one workbook layout (``io/xlsx/layout.py``), so a template filled in by a person and a converted YAML file read
the same way. Headers, sheet names and comments come from the alias table in one language; input cells are yellow
(a column style, so no empty cell is written); columns with a closed set of values (a ``Literal`` of the model, or a
rule set's code list) get a drop-down from the code-list sheet. Text is always stored as text, never as a formula,
and the zip's timestamps are fixed, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from gxets_rules.io.vocabulary import ChoiceList, Vocabulary, column_path
from gxets_rules.io.writers import cell_text, fixed_zip_times
from gxets_rules.io.xlsx.layout import (
    PARENT,
    Column,
    SheetSpec,
    form_header,
    header,
    help_text,
    layout,
    sheet_name,
    value_at,
    word,
    words,
)

INPUT_FILL = PatternFill("solid", fgColor="FFF7CC")
HEADER_FILL = PatternFill("solid", fgColor="E8ECF0")
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
STAMP = datetime(2026, 1, 1)
LAST_ROW = 1_048_576
FORMATS = {
    "int": "0",
    "fy": "0",
    "tonnes": "#,##0",
    "decimal": "General",
    "date": "yyyy-mm-dd",
    "text": "@",
    "choice": "@",
    "country": "@",
}


def _format(column: Column) -> str:
    if column.kind == "int" and column.path[-1].endswith("_t"):
        return FORMATS["tonnes"]
    return FORMATS[column.kind]


def _cell_value(value: Any) -> Any:
    """A data value as a cell value: numbers as numbers (a decimal as text if a float would change it)."""
    if isinstance(value, Decimal):
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    if isinstance(value, dict | list):
        return None  # a range written into its own columns (``share.min``), or a child table's rows
    return value


class _Writer:
    def __init__(self, lang: str, choices: Vocabulary) -> None:
        self.lang = lang
        self.choices = choices
        self.wb = Workbook()
        self.readme: Worksheet = self.wb.active
        self.readme.title = sheet_name("readme", lang)
        self.validations: list[tuple[Worksheet, str, str, ChoiceList]] = []

    def put(self, ws: Worksheet, row: int, col: int, value: Any, column: Column | None = None) -> None:
        value = _cell_value(value)
        if value is None:
            return
        cell = ws.cell(row, col)
        if isinstance(value, str):
            cell.value = cell_text(value)
            cell.data_type = "s"  # text, never a formula
            return
        cell.value = value
        if isinstance(value, date):
            cell.number_format = FORMATS["date"]
        elif column is not None:
            cell.number_format = _format(column)

    def heading(self, ws: Worksheet, col: int, text: str, note: str | None = None) -> None:
        self.put(ws, 1, col, text)
        cell = ws.cell(1, col)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        if note:
            cell.comment = Comment(note, "gxets-rules", height=160, width=320)

    def note(self, spec: SheetSpec, column: Column) -> str:
        """The comment on a column: what it holds, its kind, whether it is required and its choices."""
        parts = [help_text(column, self.lang) or ""]
        kind = word(f"kind.{column.kind}", self.lang)
        parts.append(f"{kind} · {word('required', self.lang)}" if column.required else kind)
        found = self.choices.get(column_path(spec, column))
        if found is not None:
            shown = [label for label, _ in found.shown(self.lang)]
            parts.append(f"{word('choices', self.lang)}: {', '.join(shown[:12])}{' …' if len(shown) > 12 else ''}")
        return "\n".join(p for p in parts if p)

    def validate(self, ws: Worksheet, spec: SheetSpec, column: Column, ref: str) -> None:
        found = self.choices.get(column_path(spec, column))
        if found is not None and found.choices:
            self.validations.append((ws, ref, f"{ws.title}: {header(column, self.lang)}", found))

    def width(self, ws: Worksheet, col: int, text: str) -> None:
        factor = 2.0 if self.lang == "ja" else 1.1
        ws.column_dimensions[get_column_letter(col)].width = max(10, min(48, len(text) * factor + 2))

    # sheets ------------------------------------------------------------------------------------------------------
    def form(self, spec: SheetSpec, data: Mapping[str, Any]) -> None:
        ws = self.wb.create_sheet(sheet_name(spec, self.lang))
        for col, key in enumerate(("item", "value", "about"), 1):
            self.heading(ws, col, form_header(key, self.lang))
        ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 44, 28, 90
        ws.column_dimensions["B"].fill = INPUT_FILL
        ws.freeze_panes = "A2"
        node = value_at(data, spec.at) if spec.at else data
        for row, column in enumerate(spec.columns, 2):
            self.put(ws, row, 1, header(column, self.lang))
            ws.cell(row, 1).font = HEADER_FONT
            ws.cell(row, 2).fill, ws.cell(row, 2).number_format = INPUT_FILL, _format(column)
            self.put(ws, row, 2, value_at(node, column.path), column)
            self.put(ws, row, 3, self.note(spec, column).replace("\n", " · "))
            ws.cell(row, 3).alignment = WRAP
            self.validate(ws, spec, column, f"B{row}")

    def table(self, spec: SheetSpec, rows: Iterator[list[Any]]) -> None:
        ws = self.wb.create_sheet(sheet_name(spec, self.lang))
        for col, column in enumerate(spec.columns, 1):
            text = header(column, self.lang)
            self.heading(ws, col, text, self.note(spec, column))
            self.width(ws, col, text)
            letter = get_column_letter(col)
            ws.column_dimensions[letter].fill = INPUT_FILL
            ws.column_dimensions[letter].number_format = _format(column)
            self.validate(ws, spec, column, f"{letter}2:{letter}{LAST_ROW}")
        ws.freeze_panes = "A2"
        for number, values in enumerate(rows, 2):
            for col, (column, value) in enumerate(zip(spec.columns, values, strict=True), 1):
                self.put(ws, number, col, value, column)

    def code_lists(self) -> None:
        """The code-list sheet the drop-downs read, and the validations that point at it."""
        if not self.validations:
            return
        ws = self.wb.create_sheet(sheet_name("lists", self.lang))
        placed: dict[str, str] = {}
        for target, ref, title, found in self.validations:
            if title not in placed:
                col = 2 * len(placed) + 1
                self.heading(ws, col, title)
                self.heading(ws, col + 1, word("code", self.lang))
                self.width(ws, col, title)
                ws.column_dimensions[get_column_letter(col + 1)].width = 24
                shown = found.shown(self.lang)
                for row, (label, code) in enumerate(shown, 2):
                    self.put(ws, row, col, label)
                    self.put(ws, row, col + 1, code)
                letter = get_column_letter(col)
                placed[title] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(shown) + 1}"
            # The drop-down shows words; a code or another name typed instead is read too (with a note), so Excel
            # only warns about a value not on the list.
            rule = DataValidation(
                type="list",
                formula1=placed[title],
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=title,
                error=f"{word('choices', self.lang)}: {sheet_name('lists', self.lang)}",
            )
            rule.add(ref)
            target.add_data_validation(rule)

    def readme_sheet(self, title: str, about: list[str], specs: list[SheetSpec]) -> None:
        ws = self.readme
        ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 30, 110
        self.put(ws, 1, 1, title)
        ws.cell(1, 1).font = TITLE_FONT
        row = 2
        for line in about:
            self.put(ws, row, 1, line)
            row += 1
        row += 1
        for number, step in enumerate(words()["words"]["steps"][self.lang], 1):
            self.put(ws, row, 1, f"{number}.")
            self.put(ws, row, 2, step)
            ws.cell(row, 2).alignment = WRAP
            row += 1
        row += 1
        for col, key in enumerate(("sheet", "holds"), 1):
            self.put(ws, row, col, word(key, self.lang))
            ws.cell(row, col).font, ws.cell(row, col).fill = HEADER_FONT, HEADER_FILL
        for spec in specs:
            row += 1
            self.put(ws, row, 1, sheet_name(spec, self.lang))
            self.put(ws, row, 2, word("form_sheet" if spec.form else "table_sheet", self.lang))

    def save(self) -> bytes:
        self.code_lists()
        self.wb.properties.creator = "gxets-rules"
        self.wb.properties.created = self.wb.properties.modified = STAMP
        buffer = io.BytesIO()
        self.wb.save(buffer)
        return fixed_zip_times(buffer.getvalue(), STAMP)


def table_rows(spec: SheetSpec, data: Mapping[str, Any]) -> Iterator[list[Any]]:
    """A table's rows: its records, or for a child table the items (or entries) of every parent record."""
    if spec.parent is None:
        for record in value_at(data, spec.at) or []:
            yield [value_at(record, column.path) for column in spec.columns]
        return
    field = spec.at[-1]
    for parent in value_at(data, spec.parent.at) or []:
        owned = parent.get(field) or ({} if spec.mapping else [])
        if spec.mapping:
            for key, value in owned.items():  # type: ignore[union-attr]
                yield [parent.get("id"), key, value]
            continue
        for item in owned:
            yield [
                parent.get("id") if column.path == (PARENT,) else value_at(item, column.path) for column in spec.columns
            ]


def _shown_parts(spec: SheetSpec, parts: set[str] | None) -> SheetSpec | None:
    """The sheet as a rule set's workbook has it: only if it holds a part the rule set reads (the submission's own
    form: only those items), or None; every sheet when ``parts`` is None."""
    if parts is None or spec.root != "submission":
        return spec
    if spec.at:
        return spec if spec.at[0] in parts else None
    return replace(spec, columns=tuple(column for column in spec.columns if column.path[0] in parts))


def workbook_bytes(
    roots: tuple[str, ...],
    data: Mapping[str, Mapping[str, Any]],
    lang: str,
    choices: Vocabulary,
    about: list[str] | None = None,
    parts: set[str] | None = None,
) -> bytes:
    """A workbook with the sheets of each root (``submission``, ``ownership``) holding ``data[root]`` (or empty);
    ``parts``: the submission fields to show (default: all)."""
    writer = _Writer(lang, choices)
    shown = (_shown_parts(spec, parts) for root in roots for spec in layout(root))
    specs = [spec for spec in shown if spec is not None]
    writer.readme_sheet(word("title" if roots[0] == "submission" else "ownership_title", lang), about or [], specs)
    for spec in specs:
        part = data.get(spec.root, {})
        if spec.form:
            writer.form(spec, part)
        else:
            writer.table(spec, table_rows(spec, part))
    return writer.save()
