"""Turn pydantic validation errors into located problems, worded by the problem catalogues.

Pydantic reports *where in the data* a value is wrong (``('lots', 3, 'quantity_t')``) in English of its own; a person
needs *where in the file*, in their language. The reader recorded a location for every path, so the two meet here:
each error type is a catalogue key (``model.<type>``, the error's context as arguments), never pydantic's sentence.
A path is shown the way a reader writes it, ``lots[3](L4).quantity_t`` (a lot's id added so it can be found by name),
or — for a workbook or CSV — as the column's heading (``name_of``). An error a model's own check raises
(:class:`pydantic_core.PydanticCustomError` with type ``gxets.<code>``) may name the field it is about (``at``), so a
swapped serial range is located at its serial cells, not at the row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from gxets_rules.model.problems import Location, Problem
from gxets_rules.model.wording import Words

Locator = Callable[[tuple[str | int, ...]], Location]
Namer = Callable[[tuple[str | int, ...]], Words | None]

# pydantic error type → catalogue key (``model.<key>``); the rest are ``model.invalid``
_KEYS = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "int_type": "whole_number",
    "int_parsing": "whole_number",
    "int_from_float": "fraction",
    "decimal_type": "number",
    "decimal_parsing": "number",
    "float_type": "number",
    "float_parsing": "number",
    "greater_than_equal": "at_least",
    "greater_than": "more_than",
    "less_than_equal": "at_most",
    "less_than": "less_than",
    "literal_error": "choice",
    "string_type": "text",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "string_pattern_mismatch": "pattern",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "dict_type": "mapping",
    "list_type": "list",
    "too_short": "too_few",
    "too_long": "too_many",
    "bool_type": "bool",
    "union_tag_invalid": "tag",
    "union_tag_not_found": "no_tag",
}
_PATTERNS = {"^[A-Z]{2}$": "country_code"}
_MAPPINGS = {"model_type", "model_attributes_type", "dict_type"}
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def dotted(path: Sequence[str | int], data: Any = None) -> str:
    """``('lots', 3, 'quantity_t')`` → ``lots[3](L4).quantity_t`` (id shown when known)."""
    out = ""
    node = data
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f"({node['id']})"
        else:
            if not _NAME.match(part):  # a key such as "lot.status" or "position.status" stays one key
                out += f"[{json.dumps(part, ensure_ascii=False)}]"
            else:
                out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _data_path(loc: Sequence[str | int], data: Any) -> tuple[str | int, ...]:
    """A pydantic error location as a path in the data: the names of union branches (``function-after[…]``) and the
    tags of discriminated unions (``'whole'`` of a figure whose ``kind`` is whole) are not places in the data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(part, str) and (
            "[" in part or (isinstance(node, dict) and part not in node and part in node.values())
        ):
            continue
        path.append(part)
        if isinstance(node, dict):
            node = node.get(part) if isinstance(part, str) else None
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(path)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "" if isinstance(value, dict | list) else str(value)


def worded(error: Any, schema_hint: str | None) -> tuple[str, dict[str, Any], str | None]:
    """An error's catalogue key, its arguments and the field it names (``at``), if any."""
    kind = str(error["type"])
    context = dict(error.get("ctx") or {})
    typed = _shown(error.get("input"))
    if kind.startswith("gxets."):
        at = context.pop("at", None)
        return f"model.{kind.removeprefix('gxets.')}", context, at
    key = _KEYS.get(kind, "invalid")
    value = error.get("input")
    if kind == "int_type" and isinstance(value, Decimal) and value.is_finite() and value != value.to_integral_value():
        key = "fraction"  # strict validation says int_type of 1000.5; the person wants to hear of the fraction
    if kind == "string_pattern_mismatch":
        key = _PATTERNS.get(str(context.get("pattern")), "pattern")
    args: dict[str, Any] = {"typed": typed}
    if key == "unknown_field":
        args = {"schema": schema_hint or "gxets schema"}
    elif key == "choice":
        args["expected"] = str(context.get("expected", "")).replace("'", "").replace(" or ", ", ")
    elif key in ("at_least", "more_than", "at_most", "less_than"):
        bound = next(iter(v for k, v in context.items() if k in ("ge", "gt", "le", "lt")), "")
        args["bound"] = f"{bound:,}" if isinstance(bound, int) else str(bound)
    elif key in ("too_short", "too_long", "too_few", "too_many"):
        args["limit"] = str(context.get("min_length", context.get("max_length", "")))
    elif key == "pattern":
        args["pattern"] = str(context.get("pattern", ""))
    elif key in ("tag", "no_tag"):
        expected = str(context.get("expected_tags", "")).replace("'", "")
        args = {
            "tag": str(context.get("tag", "")),
            "by": str(context.get("discriminator", "")).strip("'"),
            "expected": expected,
        }
    elif kind == "value_error":  # a rule-set file's own check (for its author): its sentence as it is
        key, args = "value_error", {"detail": str(error["msg"]).removeprefix("Value error, ")}
    elif key == "invalid":
        args["type"] = kind
    return key if key.startswith("model.") else f"model.{key}", args, None


def problems_from_validation(
    exc: ValidationError, locate: Locator, data: Any, schema_hint: str | None = None, name_of: Namer | None = None
) -> list[Problem]:
    """One located, catalogued problem per pydantic error, at its path in the data.

    A value that fits no branch of a union (a share: a number, or a ``{min, max}`` mapping) gets an error per branch;
    a branch that wants a mapping says nothing useful about a value that is not one, so it is left out when another
    branch explains the value.
    """
    errors = exc.errors(include_url=False)
    paths = [_data_path(error["loc"], data) for error in errors]
    explained = {path for error, path in zip(errors, paths, strict=True) if error["type"] not in _MAPPINGS}
    problems = []
    for error, data_path in zip(errors, paths, strict=True):
        if error["type"] in _MAPPINGS and data_path in explained and not isinstance(error.get("input"), dict):
            continue
        code, args, at = worded(error, schema_hint)
        path = data_path if at is None else (*data_path, at)
        field = name_of(path) if name_of is not None else None
        problems.append(Problem.of(locate(path), code, dotted(path, data), field, **args))
    return problems
