"""Message templates with placeholders that are rule-language expressions.

``"methodology {lot.project.methodology_code} is not in the codelist"`` — each ``{…}``
is compiled like any other expression when the rule set loads, so a typo in a message
is a load error, not a surprise in a report. A message is formatted only for something
that has to be reported — a failed or undecided check and an excluded market product as
evaluation finds them, a failed or indeterminate criterion when the result is built — so
the many lots and products that pass cost no formatting.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from typing import Any

from gxets_rules.ruleset.expr import Compiled, Definition, EvaluationError, Function, compile_expr
from gxets_rules.ruleset.values import UNKNOWN, Range, fmt_number

_UNKNOWN_TEXT = {"ja": "不明", "en": "unknown"}


def format_value(value: Any, lang: str, spec: str = "") -> str:
    """Numbers with thousands separators, exact decimals, dates in ISO, UNKNOWN in words."""
    if value is UNKNOWN or value is None:
        return _UNKNOWN_TEXT[lang]
    if isinstance(value, bool):
        return ("はい" if value else "いいえ") if lang == "ja" else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}" if spec != "d" else str(value)
    if isinstance(value, Fraction):
        if spec == "%":
            return f"{fmt_number(value * 100)}%"
        return fmt_number(value)
    if isinstance(value, Range):
        if value.exact:
            return format_value(value.lo, lang, spec)
        if spec == "%":
            return f"{fmt_number(value.lo * 100)}–{fmt_number(value.hi * 100)}%"
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | frozenset | set):
        items = sorted(value, key=str) if isinstance(value, frozenset | set) else value
        return ", ".join(format_value(item, lang, spec) for item in items)
    return str(value)


class Template:
    """A compiled message: literal text and expression placeholders."""

    def __init__(self, text: str, functions: Mapping[str, Function | Definition], names: set[str]) -> None:
        self.text = text
        self.parts: list[tuple[str, Compiled | None, str]] = []
        for literal, field, spec, _conversion in string.Formatter().parse(text):
            compiled = compile_expr(field, functions, names) if field else None
            self.parts.append((literal, compiled, spec or ""))

    def render(self, env: Mapping[str, Any], lang: str) -> str:
        out = []
        for literal, compiled, spec in self.parts:
            out.append(literal)
            if compiled is not None:
                try:
                    value = compiled(env)
                except EvaluationError:
                    value = UNKNOWN
                out.append(format_value(value, lang, spec))
        return "".join(out)
