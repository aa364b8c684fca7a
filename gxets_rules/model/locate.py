"""Turn pydantic validation errors into located problems.

Pydantic reports *where in the data* a value is wrong (``('lots', 3, 'quantity_t')``);
a person needs *where in the file*. The strict YAML reader recorded a location for every
path, so the two meet here. Paths are printed the way a reader would write them,
``lots[3].quantity_t``, and a lot's id is added so ``lots[3]`` can be found by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from gxets_rules.model.problems import Location, Problem

Locator = Callable[[tuple[str | int, ...]], Location]


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
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _message(error: Mapping[str, Any], schema_hint: str | None) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling" + (f"; see `{schema_hint}`)" if schema_hint else ")")
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    value = error.get("input")
    if kind not in {"model_type", "dict_type", "list_type"} and not isinstance(value, dict | list):
        message += f" (got {value!r})"
    return message


def problems_from_validation(
    exc: ValidationError, locate: Locator, data: Any, schema_hint: str | None = None
) -> list[Problem]:
    """One located problem per pydantic error; union branch names are dropped from paths."""
    problems = []
    for error in exc.errors(include_url=False):
        path = tuple(part for part in error["loc"] if not (isinstance(part, str) and "[" in part))
        problems.append(Problem(locate(path), _message(error, schema_hint), dotted(path, data)))
    return problems
