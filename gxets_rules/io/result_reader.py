"""Read a saved result (``gxets.result.v2``) back, for ``gxets render``, refusing any that gxets would not have written.

A result file may have been edited, truncated, produced by another version or crafted; rendering one that is not what
it claims would print a confident report of wrong numbers. So it passes four gates, and the first one it fails stops
it with every problem of that gate located (exit code 2, nothing written):

1. **JSON as gxets writes it**: UTF-8, well formed (file:line:column), no key twice in an object, no ``NaN`` or
   ``Infinity``, no number with a fraction or an exponent (a result holds whole numbers, and exact fractions as text),
   no integer beyond 64 bits, nesting at most :data:`MAX_DEPTH` deep — located by JSON path.
2. **The format**: ``gxets.result.v2``. A ``gxets.result.v1`` result (from earlier gxets-rules) is refused with the
   advice to run ``gxets check`` again: the run record names the rule-set revision and inputs it needs.
3. **The model**, strictly (``"30000"`` is not a number, ``true`` is not a tonne), every problem by its path.
4. **Consistency** (:mod:`gxets_rules.model.result_checks`): references resolve, totals add up, no lot counts more
   than it holds — the first inconsistency by its path.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gxets_rules.model.locate import dotted, problems_from_validation
from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.model.result import RESULT_FORMAT, Result
from gxets_rules.model.result_checks import inconsistencies
from gxets_rules.ruleset.files import require_size_within

DEFAULT_MAX_RESULT_BYTES = 512 * 1024 * 1024
"""Largest result accepted (a result of 10,000 lots is about 12 MB)."""
MAX_DEPTH = 32
"""Deepest nesting of arrays and objects accepted; a result nests about ten deep."""
LARGEST_INTEGER = 2**63 - 1
OLD_FORMATS = {"gxets.result.v1"}


class _Number:
    """A number a result never holds (NaN, ±Infinity, or one with a fraction or exponent), kept to be located."""

    def __init__(self, text: str) -> None:
        self.text = text


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once (the standard reader keeps the last)."""

    twice: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    found = _Object(pairs)
    if len(found) < len(pairs):
        counts = Counter(key for key, _ in pairs)
        found.twice = tuple(key for key, count in counts.items() if count > 1)
    return found


def _fail(where: Location, message: str, path: str = "") -> InputError:
    return InputError([Problem(where, message, path)])


def _flaws(data: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Each place in parsed JSON that no result written by gxets has, in document order (iterative: any depth)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if len(path) >= MAX_DEPTH and isinstance(node, dict | list):
            yield path, f"nested more than {MAX_DEPTH} levels deep"
            continue
        if isinstance(node, _Number):
            yield path, f"{node.text} is not a number a result holds (whole numbers; exact fractions as text)"
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) > LARGEST_INTEGER:
            yield path, "an integer beyond 64 bits"
        elif isinstance(node, _Object):
            if node.twice:
                yield path, f"key {node.twice[0]!r} is given twice"
            stack.extend(((*path, key), value) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((*path, index), value) for index, value in reversed(list(enumerate(node))))


def _parse(text: str, name: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_Number, parse_float=_Number)
    except json.JSONDecodeError as exc:
        raise _fail(Location(name, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise _fail(Location(name), f"nested more than {MAX_DEPTH} levels deep") from None


def _check_format(data: Any, name: str) -> None:
    found = data.get("format") if isinstance(data, dict) else type(data).__name__
    if found in OLD_FORMATS:
        raise _fail(
            Location(name),
            f"a {found} result: this version renders {RESULT_FORMAT} only; run `gxets check` on the submission again "
            "(the result's run record names the rule-set revision and input files)",
        )
    if found != RESULT_FORMAT:
        raise _fail(Location(name), f"not a {RESULT_FORMAT} result (format: {found!r})")


def read_result(text: str, name: str) -> Result:
    """A result from its JSON text, through every gate; ``name`` is how problems name the file."""
    data = _parse(text, name)
    flaw = next(_flaws(data), None)
    if flaw is not None:
        path, message = flaw
        raise _fail(Location(name), message, dotted(path, data))
    _check_format(data, name)
    try:
        result = Result.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, lambda _: Location(name), data, "gxets schema result")) from None
    inconsistency = next(inconsistencies(result), None)
    if inconsistency is not None:
        path, message = inconsistency
        raise _fail(Location(name), f"inconsistent: {message}", dotted(path, data))
    return result


def load_result(path: Path, max_bytes: int = DEFAULT_MAX_RESULT_BYTES) -> Result:
    """The result in a file, validated completely (see the module's gates)."""
    name = display_path(path)
    require_size_within(path, name, max_bytes, "advice.max_bytes")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(Location(name), f"cannot read the result: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(Location(name), f"not UTF-8 text (byte {exc.start})") from None
    return read_result(text, name)
