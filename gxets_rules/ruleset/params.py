"""Parameters dated by fiscal year, each value with its citation.

A parameter read is always a read *at a fiscal year*. Outside every dated value's window
the read fails loudly (:class:`ParameterWindowError`): unlike OpenFisca, a rule set never
falls back to the nearest or latest value, because a Phase-1 cap silently applied to
FY2026 would be a wrong answer that looks right. Every read can be recorded with the
value's citation for the trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from gxets_rules.ruleset.expr import EvaluationError
from gxets_rules.ruleset.schema import Citation, Parameter, ParameterValue
from gxets_rules.ruleset.values import normalize

_NUMERIC_UNITS = {"t", "jpy", "jpy_per_t", "ratio", "fy", "days", "count"}


class ParameterWindowError(EvaluationError):
    """A parameter was asked for at a fiscal year none of its dated values covers."""


class ParameterValueError(ValueError):
    """A parameter value that does not fit the parameter's unit."""


@dataclass(frozen=True)
class ParamRead:
    """One parameter read, for the trace: what was asked, what was given, and why."""

    name: str
    fy: int
    value: Any
    source: Citation | None
    interpretations: tuple[str, ...]


def convert_value(unit: str, raw: Any) -> Any:
    """Bring a YAML value to the exact Python value the rule language uses."""
    if unit in _NUMERIC_UNITS:
        if isinstance(raw, bool):
            raise ParameterValueError(f"expected a number, got {raw!r}")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, Decimal):
            return normalize(Fraction(raw))
        if isinstance(raw, str):
            try:
                return normalize(Fraction(raw.replace("_", "")))
            except (ValueError, ZeroDivisionError):
                raise ParameterValueError(f"expected a number or fraction like 27/37, got {raw!r}") from None
        raise ParameterValueError(f"expected a number, got {raw!r}")
    if unit == "date":
        if isinstance(raw, date):
            return raw
        raise ParameterValueError(f"expected a date (YYYY-MM-DD), got {raw!r}")
    if unit == "bool":
        if isinstance(raw, bool):
            return raw
        raise ParameterValueError(f"expected true or false, got {raw!r}")
    if unit == "list":
        if isinstance(raw, list) and all(isinstance(item, str | int) for item in raw):
            return tuple(raw)
        raise ParameterValueError(f"expected a list of names, got {raw!r}")
    if isinstance(raw, str):
        return raw
    raise ParameterValueError(f"expected text, got {raw!r}")


class ParameterTable:
    """All parameters of a rule set, with values converted once at load time.

    The loader converts every value with :func:`convert_value` as it checks them (it has to, to locate a bad one),
    and hands the converted values in, each parameter's in the order of its ``values``.
    """

    def __init__(self, parameters: dict[str, Parameter], converted: dict[str, list[Any]]) -> None:
        self.specs = parameters
        self._values: dict[str, list[tuple[ParameterValue, Any]]] = {
            name: list(zip(spec.values, converted[name], strict=True)) for name, spec in parameters.items()
        }
        self._reads: dict[tuple[str, int], ParamRead] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.specs

    def window(self, name: str) -> tuple[int, int]:
        values = self.specs[name].values
        return min(v.from_fy for v in values), max(v.to_fy for v in values)

    def covers(self, name: str, fy: int) -> bool:
        return any(v.from_fy <= fy <= v.to_fy for v in self.specs[name].values)

    def read(self, name: str, fy: int) -> ParamRead:
        """The value of ``name`` at fiscal year ``fy`` with its citation; never a default.

        A read is made once per name and year and then handed out again (rules read the same parameters for every
        lot), so that a trace can recognise a read it has already turned into a citation.
        """
        found = self._reads.get((name, fy)) if type(fy) is int else None
        if found is None:
            found = self._read(name, fy)
            self._reads[name, fy] = found
        return found

    def _read(self, name: str, fy: int) -> ParamRead:
        if name not in self.specs:
            raise EvaluationError(f"unknown parameter {name!r}")
        if not isinstance(fy, int) or isinstance(fy, bool):
            raise EvaluationError(f"parameter {name!r} asked for at {fy!r}, which is not a fiscal year")
        for spec, value in self._values[name]:
            if spec.from_fy <= fy <= spec.to_fy:
                return ParamRead(name, fy, value, spec.source, tuple(self.specs[name].interpretations))
        windows = ", ".join(f"FY{v.from_fy}–FY{v.to_fy}" for v in self.specs[name].values)
        raise ParameterWindowError(f"parameter {name!r} has no value for FY{fy} (it is defined for {windows})")

    def get(self, name: str, fy: int) -> Any:
        return self.read(name, fy).value
