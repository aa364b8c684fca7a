"""Turn pydantic validation errors into located problems.

Pydantic reports *where in the data* a value is wrong (``('lots', 3, 'quantity_t')``);
a person needs *where in the file*. The strict YAML reader recorded a location for every
path, so the two meet here. Paths are printed the way a reader would write them,
``lots[3].quantity_t``, and a lot's id is added so ``lots[3]`` can be found by name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from gxets_rules.model.base import describe
from gxets_rules.model.problems import Location, Problem

Locator = Callable[[tuple[str | int, ...]], Location]
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


_EXPECTED = {
    "int_type": "expected a whole number",
    "string_type": "expected text",
    "date_type": "expected a date (YYYY-MM-DD)",
    "bool_type": "expected true or false",
    "decimal_type": "expected a number",
    "model_type": "expected a mapping of fields",
    "dict_type": "expected a mapping of fields",
    "list_type": "expected a list",
}
"""Type errors of strict validation, worded for the person who wrote the value."""


_BOUNDS = {
    "greater_than_equal": "greater than or equal to",
    "less_than_equal": "less than or equal to",
    "greater_than": "greater than",
    "less_than": "less than",
}
"""Bounds on whole numbers, with the limit written as a reader writes it (9,223,372,036,854,775,807)."""

_MAPPING_TYPES = {"model_type", "dict_type", "model_attributes_type"}


def _hint(kind: str, value: Any) -> str:
    """What to do about a value of the wrong type, where a common slip explains it."""
    if isinstance(value, int | float) and not isinstance(value, bool) and kind == "string_type":
        return "; put it in quotes to give it as text"
    if kind == "date_type" and not isinstance(value, bool):
        return "; write the date as YYYY-MM-DD"
    return ""


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


def _message(error: Mapping[str, Any], schema_hint: str | None) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling" + (f"; see `{schema_hint}`)" if schema_hint else ")")
    value = error.get("input")
    if kind in _EXPECTED:
        shown = "a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else describe(value)
        return f"{_EXPECTED[kind]}, got {shown}{_hint(kind, value)}"
    bound = _BOUNDS.get(kind)
    if bound is not None:
        limit = next(iter((error.get("ctx") or {}).values()), None)
        if isinstance(limit, int) and not isinstance(limit, bool):
            return (
                f"must be {bound} {limit:,} (got {describe(value)})"
                if abs(limit) >= 10_000
                else f"must be {bound} {limit} (got {describe(value)})"
            )
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if not isinstance(value, dict | list) and "got " not in message:
        message += f" (got {describe(value)})"
    return message


def problems_from_validation(
    exc: ValidationError, locate: Locator, data: Any, schema_hint: str | None = None
) -> list[Problem]:
    """One located problem per pydantic error, at its path in the data.

    A value that fits no branch of a union (a share: a number, or a ``{min, max}`` mapping) gets an error per branch;
    a branch that wants a mapping says nothing useful about a value that is not one, so it is left out when another
    branch explains the value.
    """
    errors = exc.errors(include_url=False)
    paths = [_data_path(error["loc"], data) for error in errors]
    explained = {path for error, path in zip(errors, paths, strict=True) if error["type"] not in _MAPPING_TYPES}
    problems = []
    for error, path in zip(errors, paths, strict=True):
        if error["type"] in _MAPPING_TYPES and path in explained and not isinstance(error.get("input"), dict):
            continue
        problems.append(Problem(locate(path), _message(error, schema_hint), dotted(path, data)))
    return problems
