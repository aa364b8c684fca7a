"""Values the rule language computes with: exact numbers, ``UNKNOWN`` and ranges.

Three-valued logic is what makes ``needs_review`` honest. A missing or contradictory
fact is :data:`UNKNOWN`, which spreads through arithmetic and comparisons instead of
becoming ``False`` or ``0``. A criterion that ends ``UNKNOWN`` is *indeterminate*.

A :class:`Range` is a quantity known only within bounds (a shareholding reported as
15–25 %). Comparing a range with a threshold is true or false only when the whole range
is on one side; a range that straddles it is ``UNKNOWN``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any


class _Marker:
    """A value of which each subclass has exactly one instance; using it as a Python bool is a bug."""

    _name = "marker"
    _instances: dict[type, _Marker] = {}  # noqa: RUF012 (one instance per subclass, shared on purpose)

    def __new__(cls) -> _Marker:
        if cls not in _Marker._instances:
            _Marker._instances[cls] = super().__new__(cls)
        return _Marker._instances[cls]

    def __repr__(self) -> str:
        return self._name

    def __bool__(self) -> bool:
        raise TypeError(f"{self._name} has no truth value; use three-valued operators")


class _Unknown(_Marker):
    """The single "not known" value."""

    _name = "unknown"


class _NotApplicable(_Marker):
    """The single "does not apply here" value, e.g. an optional estimate nobody asked for.

    Unlike UNKNOWN it is not missing data: an output that does not apply is shown as "not
    defined" (JSON null) instead of stopping the run for a missing input. Arithmetic and
    ordering with it are rule errors.
    """

    _name = "not_applicable"


UNKNOWN: Any = _Unknown()
INAPPLICABLE: Any = _NotApplicable()

Number = int | Fraction


@dataclass(frozen=True)
class Range:
    """A number known to lie in ``[lo, hi]`` (both exact)."""

    lo: Fraction
    hi: Fraction

    def __post_init__(self) -> None:
        if self.hi < self.lo:
            raise ValueError(f"range upper bound {self.hi} is below lower bound {self.lo}")

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    def __str__(self) -> str:
        return fmt_number(self.lo) if self.exact else f"{fmt_number(self.lo)}–{fmt_number(self.hi)}"


_AS_IS = frozenset({str, int, bool, Fraction})


def to_number(value: Any) -> Any:
    """A field value as the rule language computes with it: a Decimal becomes an exact Fraction, a float is refused.

    Input amounts and shares are Decimals (exact as written), so arithmetic on them must not fall back to binary
    floats; everything else — strings included — is left as it is.
    """
    if type(value) in _AS_IS:  # the common case, decided without a chain of isinstance checks
        return value
    if isinstance(value, Decimal):
        return Fraction(value)
    if isinstance(value, float):
        raise TypeError("floats are not used for rule values; write the number as text or a fraction")
    return value


def normalize(value: Fraction | int) -> Number:
    """A Fraction with denominator 1 becomes an int, so outputs stay whole where they are."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


def fmt_number(value: Any) -> str:
    """A human form of an exact number: whole numbers as ints, others as decimals (6 places)."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        text = f"{Decimal(value.numerator) / Decimal(value.denominator):.6f}".rstrip("0")
        return text.rstrip(".")
    return str(value)


def exact_text(value: Any) -> str:
    """The lossless text of a number (``78000000/37``) for traces and JSON."""
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, Range):
        return exact_text(value.lo) if value.exact else f"{exact_text(value.lo)}..{exact_text(value.hi)}"
    return str(value)


def range_of_text(text: str) -> Range:
    """The exact number or range a text of :func:`exact_text` names (``1/4``, ``1/10..1/4``): evidence stores shares
    that way, and a report words them in its own language."""
    lo, _, hi = text.partition("..")
    return Range(Fraction(lo), Fraction(hi or lo))


def pct(value: Fraction) -> str:
    """30 % style text of an exact share: ``Fraction(3, 10)`` → ``30%``; others to four decimals, marked ≈."""
    hundred = value * 100
    if hundred.denominator == 1:
        return f"{hundred.numerator}%"
    text = f"{float(hundred):.4f}".rstrip("0").rstrip(".")
    return f"{text}%" if (hundred * 10_000).denominator == 1 else f"≈{text}%"


def pct_range(lo: Fraction, hi: Fraction) -> str:
    return pct(lo) if lo == hi else f"{pct(lo)}–{pct(hi)}"


_PLAIN = frozenset({str, int, bool})


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it without loss: exact fractions as text, UNKNOWN as null."""
    if type(value) in _PLAIN:  # most values: decided before the chain of checks below
        return value
    if value is UNKNOWN or value is None or value is INAPPLICABLE:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Fraction | Range):
        return exact_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)
