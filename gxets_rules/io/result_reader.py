"""Read a saved result (``gxets.result.v1`` JSON) back, for ``gxets render``, or report every problem with it.

A result file may have been edited, truncated or produced by another version; rendering one that does not match
the format would print a confident report of wrong numbers. So it is validated against the result model, and every
problem is reported located (file:line:column for JSON syntax, the field's path otherwise), exit code 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gxets_rules.model.locate import problems_from_validation
from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.model.result import RESULT_FORMAT, Result
from gxets_rules.ruleset.files import require_size_within

DEFAULT_MAX_RESULT_BYTES = 512 * 1024 * 1024
"""Largest result accepted (a result of 10,000 lots is about 50 MB)."""


def _fail(where: Location, message: str) -> InputError:
    return InputError([Problem(where, message)])


def load_result(path: Path, max_bytes: int = DEFAULT_MAX_RESULT_BYTES) -> dict[str, Any]:
    """The result in a file as plain JSON data, validated against ``gxets.result.v1``."""
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
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(Location(name, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("format") != RESULT_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise _fail(Location(name), f"not a {RESULT_FORMAT} result (format: {found!r})")
    try:
        result = Result.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, lambda _: Location(name), data, "gxets schema result")) from None
    return result.model_dump(mode="json")
