"""The shape of a submission (or ownership) workbook, worked out from the pydantic models.

The template, the reader and the converter must agree on every sheet and column, so none of them lists one: this
module walks the model (``Submission`` or ``Ownership``) and derives the layout, and the words come from one alias
table (``reports/template/headers.yaml``). A new optional field in the model is a new column everywhere at once.

- The root model's own scalar fields (``ruleset``, ``as_of`` …) make a *form* sheet: one item per row.
- A field holding a model (``firm``, ``targets``) makes a form sheet of its scalar leaves, nested models flattened
  (``direct.phase_total_t``); its lists of models make table sheets (``allocation.benchmark_sites``).
- A list of models (``lots``) makes a *table* sheet, one record per row, nested models flattened into columns
  (``project.country``) — the lots CSV's columns. A list inside a record (a group member's actuals) or a mapping
  (a site's activity by fiscal year) makes a child table whose first column names the parent record's id.
- ``format`` is not shown: a workbook's sheets say which format it is.
"""

from __future__ import annotations

import difflib
import types
import typing
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from gxets_rules.model.base import entry_kind
from gxets_rules.model.ownership import Ownership
from gxets_rules.model.submission import Submission
from gxets_rules.resources import data_dir
from gxets_rules.ruleset.strict_yaml import read_yaml_file

LANGS = ("ja", "en")
ValueKind = Literal["int", "fy", "decimal", "date", "text", "choice", "country"]
ROOTS: dict[str, type[BaseModel]] = {"submission": Submission, "ownership": Ownership}
PARENT = "@parent"
KEY = "@key"


@dataclass(frozen=True)
class Column:
    """One input value: where it goes in a record, what it holds and what it is called."""

    path: tuple[str, ...]  # within the record (table) or the sheet's object (form), e.g. ("project", "country")
    keys: tuple[str, ...]  # alias-table keys of the path's parts, e.g. ("CreditLot.project", "Project.country")
    kind: ValueKind
    choices: tuple[str, ...]
    required: bool
    description: str | None

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class SheetSpec:
    """A sheet: a form (one item per row) or a table (one record per row), and where its data sits."""

    key: str  # the data path, e.g. "lots", "group_filing.members.actuals", or the root's name for its form
    root: str  # "submission" or "ownership"
    form: bool
    at: tuple[str, ...]  # data path of the object (form) or list (table); () for the root form
    columns: tuple[Column, ...]
    parent: SheetSpec | None = None  # for a child table: the table whose records hold this list or mapping
    mapping: bool = False  # a child table of a mapping field: columns parent id, key, value

    def column(self, dotted: str) -> Column:
        return next(c for c in self.columns if c.dotted == dotted)


def _unwrap(tp: Any) -> tuple[Any, bool]:
    """The annotation without ``Annotated`` and ``None`` (and whether ``None`` was allowed)."""
    optional = False
    while True:
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if typing.get_origin(tp) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(tp))
            if len(args) == 1:
                tp = args[0]
                continue
        return tp, optional


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _union_parts(tp: Any) -> list[Any]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [_unwrap(a)[0] for a in typing.get_args(tp)]
    return [tp]


def _scalar(tp: Any) -> tuple[ValueKind, tuple[str, ...]]:
    if typing.get_origin(tp) is Literal:
        return "choice", tuple(str(v) for v in typing.get_args(tp))
    if tp is bool:
        raise TypeError("no boolean input fields are expected")
    if tp is int:
        return "int", ()
    if tp is Decimal:
        return "decimal", ()
    if tp is date:
        return "date", ()
    if tp is str:
        return "text", ()
    raise TypeError(f"no xlsx column type for {tp!r}")


def _field_key(model: type[BaseModel], name: str) -> str:
    info = model.model_fields[name]
    return f"{model.__name__}.{info.alias or name}"


class _Walker:
    """Collects the sheets of one root model."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.sheets: list[SheetSpec] = []

    def leaves(
        self, model: type[BaseModel], prefix: tuple[str, ...] = (), keys: tuple[str, ...] = (), needed: bool = True
    ) -> tuple[list[Column], list[tuple[str, Any, bool]]]:
        """Scalar columns of ``model`` (nested models flattened) and the list or mapping fields found on the way.

        A column is marked required only if a record always needs it: not inside an optional nested model.
        """
        columns: list[Column] = []
        nested: list[tuple[str, Any, bool]] = []
        for name, info in model.model_fields.items():
            if name == "format":
                continue
            field = info.alias or name
            tp, optional = _unwrap(info.annotation)
            path, key = (*prefix, field), (*keys, _field_key(model, name))
            required = needed and info.is_required() and not optional
            origin = typing.get_origin(tp)
            if origin is list:
                nested.append((".".join(path), _unwrap(typing.get_args(tp)[0])[0], False))
                continue
            if origin is dict:
                nested.append((".".join(path), tp, True))
                continue
            parts = _union_parts(tp)
            for part in parts:
                if _is_model(part):
                    inner, deeper = self.leaves(part, path, key, required and len(parts) == 1)
                    columns += inner
                    nested += deeper
                else:
                    kind, choices = _scalar(part)
                    kind = entry_kind(info.annotation, info.metadata) or kind  # type: ignore[assignment]
                    columns.append(Column(path, key, kind, choices, required and len(parts) == 1, info.description))
        return columns, nested

    def table(self, key: str, model: type[BaseModel], at: tuple[str, ...], parent: SheetSpec | None) -> None:
        columns, nested = self.leaves(model)
        if parent is not None:
            columns.insert(0, _parent_column(parent))
        sheet = SheetSpec(key, self.root, False, at, tuple(columns), parent)
        self.sheets.append(sheet)
        for path, item, mapping in nested:
            child_key = f"{key}.{path}"
            if mapping:
                self.sheets.append(_mapping_sheet(self.root, child_key, model, path, item, sheet))
            else:
                self.table(child_key, item, (*at, path), sheet)

    def walk(self, model: type[BaseModel]) -> list[SheetSpec]:
        own = [
            name
            for name, info in model.model_fields.items()
            if name != "format" and not _is_model(_unwrap(info.annotation)[0])
            if typing.get_origin(_unwrap(info.annotation)[0]) is not list
        ]
        if own:
            columns = [c for c in self.leaves(model)[0] if c.path[0] in own]
            self.sheets.append(SheetSpec(self.root, self.root, True, (), tuple(columns)))
        for name, info in model.model_fields.items():
            tp, _ = _unwrap(info.annotation)
            if typing.get_origin(tp) is list:
                self.table(name, _unwrap(typing.get_args(tp)[0])[0], (name,), None)
            elif _is_model(tp):
                columns, nested = self.leaves(tp)
                if columns:
                    self.sheets.append(SheetSpec(name, self.root, True, (name,), tuple(columns)))
                for path, item, _mapping in nested:
                    self.table(f"{name}.{path}", item, (name, path), None)
        return self.sheets


def _parent_column(parent: SheetSpec) -> Column:
    """A child table's first column: the id of the parent record it belongs to."""
    id_column = parent.column("id")
    return Column((PARENT,), id_column.keys, "text", (), True, id_column.description)


def _mapping_sheet(root: str, key: str, model: type[BaseModel], field: str, tp: Any, parent: SheetSpec) -> SheetSpec:
    raw_key = typing.get_args(tp)[0]
    key_type, value_type = (_unwrap(a)[0] for a in typing.get_args(tp))
    info = model.model_fields[field]
    base = _field_key(model, field)
    key_kind, key_choices = _scalar(key_type)
    columns = (
        _parent_column(parent),
        Column((KEY,), (f"{base}.{KEY}",), entry_kind(raw_key) or key_kind, key_choices, True, None),  # type: ignore[arg-type]
        Column((field,), (base,), *_scalar(value_type), True, info.description),
    )
    return SheetSpec(key, root, False, (*parent.at, field), columns, parent, mapping=True)


@cache
def layout(root: str) -> tuple[SheetSpec, ...]:
    """Every sheet of a ``submission`` or ``ownership`` workbook, in the order the alias table names them."""
    order = list(words()["sheets"][root])
    return tuple(sorted(_Walker(root).walk(ROOTS[root]), key=lambda sheet: order.index(sheet.key)))


def value_at(data: Any, path: tuple[str, ...]) -> Any:
    """The value at a column's or sheet's path in nested data; None where a part is absent (an empty cell)."""
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


@cache
def words() -> dict[str, Any]:
    """The alias table (``reports/template/headers.yaml``) as plain data."""
    data: dict[str, Any] = read_yaml_file(data_dir("reports") / "template" / "headers.yaml").data
    return data


def fold(text: str) -> str:
    """The comparison form of a header or sheet name: width- and case-blind, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def sheet_name(sheet: SheetSpec | str, lang: str) -> str:
    """A sheet's name in a language (``readme`` and ``lists`` are the template's own sheets)."""
    names = words()["sheets"]
    if isinstance(sheet, str):
        return str(names[sheet][lang])
    return str(names[sheet.root][sheet.key][lang])


def header(column: Column, lang: str) -> str:
    """A column's header: its own words, joined to its parents' (``プロジェクト・実施国``)."""
    fields = words()["fields"]
    return str(words()["separator"][lang]).join(str(fields[key][lang]) for key in column.keys)


def help_text(column: Column, lang: str) -> str | None:
    """The comment on a column: the Japanese help of the alias table, or the model's description."""
    if lang == "ja":
        return words()["fields"][column.keys[-1]].get("help") or column.description
    return column.description


def aliases(column: Column) -> set[str]:
    """Every name a column may be given: its header in each language and its field path."""
    return {fold(header(column, lang)) for lang in LANGS} | {fold(column.dotted)}


def sheet_aliases(sheet: SheetSpec) -> set[str]:
    return {fold(sheet_name(sheet, lang)) for lang in LANGS} | {fold(sheet.key)}


def word(key: str, lang: str) -> str:
    return str(words()["words"][key][lang])


def form_header(key: str, lang: str) -> str:
    return str(words()["form"][key][lang])


@cache
def heading(column: Column) -> tuple[str, str]:
    """A column's heading in both languages, to name it in a message."""
    return (header(column, "ja"), header(column, "en"))


def suggestion(name: str, columns: list[Column]) -> tuple[str, str] | None:
    """The heading a mistyped one most likely meant, in both languages, or None when nothing is close."""
    candidates = {fold(header(column, lang)): column for column in columns for lang in LANGS}
    candidates |= {fold(column.dotted): column for column in columns}
    close = difflib.get_close_matches(fold(name), list(candidates), n=1, cutoff=0.75)
    return heading(candidates[close[0]]) if close else None
