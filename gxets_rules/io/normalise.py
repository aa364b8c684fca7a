"""A value as a person typed it in a cell or a CSV field, read into the typed value the model validates.

The models stay strict (a quoted number in YAML is not a number). A workbook cell or a CSV field, though, is text a
person typed, so the readers of those read it the way the person meant it where that is unambiguous: full-width digits
and letters (NFKC), thousands separators, a code in another case, a code's Japanese or English label, dates
as ``YYYY/MM/DD``, ``2026年11月20日`` or 和暦 (``令和8年11月20日``), fiscal years as ``2023年度`` or ``FY2023``,
a country's name. Whatever was read differently from how it was typed comes back as a note (what was read as
what), so nothing changes silently. What could mean two things (``1/2/2025``) is an error, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from gxets_rules.io.vocabulary import ChoiceList
from gxets_rules.model.wording import Words, words

TOTAL_WORDS = {"合計", "小計", "総計", "計", "total", "subtotal", "sum", "grand total"}
"""What a person writes in a row that adds up the rows above it (compared folded: NFKC, lower case)."""

# 和暦: the eras a date in this scheme can fall in, with their first day (the Cabinet orders fixing 平成 and 令和).
ERAS = {"令和": date(2019, 5, 1), "平成": date(1989, 1, 8)}
_ERA_END = {"平成": date(2019, 4, 30)}

_INTEGER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)$")
_DECIMAL = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YMD_DATE = re.compile(r"^(\d{4})\s*(?:[/.]|年)\s*(\d{1,2})\s*(?:[/.]|月)\s*(\d{1,2})\s*日?$")
_ERA_DATE = re.compile(r"^(令和|平成)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_DAY_FIRST_OR_MONTH_FIRST = re.compile(r"^\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}$")
_FISCAL_YEAR = re.compile(r"^(?:fy\s*(\d{4})|(\d{4})\s*(?:年度)?)$", re.IGNORECASE)
_ERA_FISCAL_YEAR = re.compile(r"^(令和|平成)\s*(元|\d{1,2})\s*年度?$")


@dataclass(frozen=True)
class Typed:
    """What a typed value was read as: ``value`` (None: nothing to read), the ``note`` saying how it was read when
    that differs from what was typed, or the ``error`` saying why it could not be read (a catalogue key and its
    arguments)."""

    value: Any = None
    note: tuple[str, dict[str, Any]] | None = None
    error: tuple[str, dict[str, Any]] | None = None


def _read_as(typed: str, value: Any, shown: str | None = None) -> Typed:
    text = shown if shown is not None else (value.isoformat() if isinstance(value, date) else str(value))
    return Typed(value, None if typed == text else ("note.read_as", {"typed": typed, "value": text}))


def _expected(kind: str, typed: str) -> Typed:
    return Typed(error=("value.expected", {"typed": typed, "expected": words(f"kind.{kind}")}))


def integer(typed: str) -> Typed:
    """Whole-number text (``３４５，０００``, ``345,000``) as an int; other text stays for the model to judge."""
    text = unicodedata.normalize("NFKC", typed).strip().replace(" ", "")
    if not _INTEGER.match(text):
        return Typed(typed)
    return _read_as(typed, int(text.replace(",", "")))


def decimal(typed: str) -> Typed:
    text = unicodedata.normalize("NFKC", typed).strip().replace(" ", "")
    if not _DECIMAL.match(text):
        return Typed(typed)
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        return Typed(typed)
    return _read_as(typed, int(value) if value == value.to_integral_value() and "." not in text else value)


def _era_year(era: str, number: str) -> int:
    return ERAS[era].year + (1 if number == "元" else int(number)) - 1


def _dated(typed: str, year: int, month: int, day: int, era: str | None = None) -> Typed:
    try:
        value = date(year, month, day)
    except ValueError:
        return Typed(error=("value.no_such_date", {"typed": typed}))
    if era is not None and not ERAS[era] <= value <= _ERA_END.get(era, date.max):
        return Typed(error=("value.outside_era", {"typed": typed, "era": era}))
    return _read_as(typed, value)


def a_date(typed: str) -> Typed:
    """A date typed as ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY年MM月DD日`` or 和暦; day-month orders are refused."""
    text = unicodedata.normalize("NFKC", typed).strip()
    for pattern in (_ISO_DATE, _YMD_DATE):
        found = pattern.match(text)
        if found:
            year, month, day = (int(part) for part in found.groups())
            return _dated(typed, year, month, day)
    in_era = _ERA_DATE.match(text)
    if in_era:
        era, number, month_text, day_text = in_era.groups()
        return _dated(typed, _era_year(era, number), int(month_text), int(day_text), era)
    if _DAY_FIRST_OR_MONTH_FIRST.match(text):
        return Typed(error=("value.ambiguous_date", {"typed": typed}))
    return Typed(error=("value.not_a_date", {"typed": typed}))


def fiscal_year(typed: str) -> Typed:
    """A fiscal year typed as ``2023``, ``2023年度``, ``FY2023`` or ``令和5年度``."""
    text = unicodedata.normalize("NFKC", typed).strip()
    found = _FISCAL_YEAR.match(text)
    if found:
        return _read_as(typed, int(found.group(1) or found.group(2)))
    found = _ERA_FISCAL_YEAR.match(text)
    if found:
        return _read_as(typed, _era_year(*found.groups()))
    return _expected("fy", typed)


def choice(typed: str, choices: ChoiceList | None, heading: Words) -> Typed:
    """A code typed as itself, in another case or width, or by one of its names; an unknown value of a closed list
    is an error naming the values, one of an open list stays as typed for the rule set to judge."""
    text = typed.strip()
    if choices is None:
        return Typed(text)
    code, could_be = choices.find(text)
    if code is not None:
        return _read_as(typed, code)
    if could_be:
        return Typed(error=("value.ambiguous_choice", {"typed": typed, "codes": ", ".join(could_be)}))
    if choices.closed:
        more = " …" if len(choices.codes) > 12 else ""
        listed = (
            ", ".join(label for label, _ in choices.shown("ja")[:12]) + more,
            ", ".join(choices.codes[:12]) + more,
        )
        return Typed(error=("value.not_a_choice", {"typed": typed, "heading": heading, "codes": listed}))
    return Typed(text)


def country(typed: str, choices: ChoiceList | None, heading: Words) -> Typed:
    """A country as its ISO code (any case), or its Japanese or English name."""
    text = unicodedata.normalize("NFKC", typed).strip()
    if re.fullmatch(r"[A-Za-z]{2}", text):
        return _read_as(typed, text.upper())
    return choice(typed, choices, heading)


def typed_text(value: str, kind: str, choices: ChoiceList | None, heading: Words) -> Typed:
    """Text typed into a column of ``kind`` (``int``, ``fy``, ``decimal``, ``date``, ``choice``, ``country``,
    ``text``: a text column with a rule set's list is read as a choice of it)."""
    if kind == "int":
        return integer(value)
    if kind == "fy":
        return fiscal_year(value)
    if kind == "decimal":
        return decimal(value)
    if kind == "date":
        return a_date(value)
    if kind == "choice" or (kind == "text" and choices is not None):
        return choice(value, choices, heading)
    if kind == "country":
        return country(value, choices, heading)
    return Typed(value.strip())


def typed_cell(value: Any, kind: str, choices: ChoiceList | None, heading: Words) -> Typed:
    """A workbook cell's value (text, number, date or boolean) in the form the model reads for ``kind``."""
    if isinstance(value, str):
        return typed_text(value, kind, choices, heading)
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            return Typed(error=("value.date_and_time", {"typed": value.isoformat(sep=" ")}))
        day = value.date()
        return Typed(day) if kind == "date" else typed_text(day.isoformat(), kind, choices, heading)
    if isinstance(value, bool):
        return _expected(kind, str(value).upper())
    if isinstance(value, int | float):
        if kind == "date":
            return Typed(error=("value.number_for_date", {"typed": _number_text(value)}))
        integral = isinstance(value, int) or value.is_integer()
        if kind == "decimal":
            return Typed(int(value) if integral else Decimal(repr(value)))
        if kind in ("int", "fy"):
            return Typed(int(value) if integral else value)
        return typed_text(_number_text(value), kind, choices, heading)
    if isinstance(value, date):
        return Typed(value) if kind == "date" else typed_text(value.isoformat(), kind, choices, heading)
    return _expected(kind, repr(value))


def _number_text(value: int | float) -> str:
    return str(int(value)) if isinstance(value, int) or value.is_integer() else repr(value)
