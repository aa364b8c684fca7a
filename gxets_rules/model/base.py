"""Shared pydantic base and small value types for every input and output model."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, JsonValue, StringConstraints
from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class Entry:
    """How a person writes a value of this type in a workbook cell or a CSV field (``fy``: 2023, 2023年度, FY2023;
    ``country``: JP, 日本, Japan). Validation ignores it; the normalising readers (``io/normalise.py``) read it."""

    kind: str


def entry_kind(tp: Any, metadata: list[Any] | None = None) -> str | None:
    """How a value of this annotation is written (``fy``, ``country``: :class:`Entry`), or None for its plain kind."""
    found = [m.kind for m in metadata or () if isinstance(m, Entry)]
    if typing.get_origin(tp) is typing.Annotated:
        found += [m.kind for m in typing.get_args(tp)[1:] if isinstance(m, Entry)]
        found += [kind for kind in [entry_kind(typing.get_args(tp)[0])] if kind]
    elif typing.get_origin(tp) in (typing.Union, types.UnionType):
        found += [kind for kind in map(entry_kind, typing.get_args(tp)) if kind]
    return found[0] if found else None


MAX_TONNES = 10**12
"""Largest tonnage an input may state: a million million t-CO2, some twenty years of the world's emissions. Anything
larger is a typo or an attack, and bounding it keeps every sum within the ledger's 64-bit integers."""

Tonnes = Annotated[int, Field(le=MAX_TONNES, description="Whole tonnes of CO2 (t-CO2).")]
"""Quantities are whole t-CO2 (as money is whole yen); a fraction is an input error, never rounded."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
"""Control, zero-width and bidirectional-override characters: invisible, so two ids that look the same would differ,
and on a terminal they can rewrite what a reviewer sees."""


def _no_control_characters(text: str) -> str:
    found = _CONTROL.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        message = "contains the invisible or control character {char}; type the id again"
        raise PydanticCustomError("gxets.control_character", message, {"char": code})
    return text


def exact_number(value: Any) -> Any:
    """A whole number or an exact decimal as :class:`Decimal`; text, true/false and binary floats are refused.

    Inputs are validated strictly (a quoted "0.35" is text, not a number), but an exact amount may be written as a
    whole number (``share: 1``), which strict validation of a Decimal would refuse.
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        shown = str(value).lower() if isinstance(value, bool) else str(value)[:60]
        raise PydanticCustomError("gxets.number", "expected a number, got '{typed}'", {"typed": shown})
    return Decimal(value)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(value: Any) -> Any:
    """A date written as text exactly ``YYYY-MM-DD`` (a YAML writer quotes dates it holds as text) as a date.

    Nothing else becomes a date: an integer (20261205, or a spreadsheet's serial 46361), a date with a time, or any
    other text is left for strict validation to refuse with the field's location.
    """
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            message = "'{typed}' is not a date that exists"
            raise PydanticCustomError("gxets.calendar_date", message, {"typed": value}) from None
    return value


Day = Annotated[date, BeforeValidator(iso_day)]
"""A calendar date: a YAML date, or the same written as quoted text; never a number or a date with a time."""

Exact = Annotated[Decimal, BeforeValidator(exact_number)]
"""An exact amount: a whole number or a decimal written as such (never text, never a float)."""

FiscalYear = Annotated[
    int,
    Field(ge=1990, le=2100, description="Japanese fiscal year (April–March), e.g. 2025 = Apr 2025–Mar 2026."),
    Entry("fy"),
]

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True),
    AfterValidator(_no_control_characters),
    Field(description="An identifier chosen by the submitter; unique where the field says so."),
]

Text = Annotated[str, StringConstraints(max_length=2000)]

CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Field(description="ISO 3166-1 alpha-2 country code, e.g. JP, US, ID."),
    Entry("country"),
]


K = TypeVar("K")
V = TypeVar("V")


def _by_key(mapping: dict[K, V]) -> dict[K, V]:
    return dict(sorted(mapping.items()))


SortedDict = Annotated[dict[K, V], AfterValidator(_by_key)]
"""A mapping held in key order however it was built, so that a model made in memory and the same model read back from
its (sorted-key) JSON iterate alike — and so render alike: a report made straight after a check and one made later
from the saved file are the same bytes."""


class StrictModel(BaseModel):
    """Immutable, and an unknown key is an error: a typo must never be ignored silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


def share_fields_set(model: StrictModel, known: dict[frozenset[str], set[str]]) -> None:
    """Make ``model`` hold the same set of given field names as earlier models that were given the same fields.

    pydantic keeps, in every model, the set of fields it was given: about 700 bytes, often more than the model's
    values. A check of 300,000 lots makes a lot model, a project model and a lot result for each; they are frozen, so
    the set never changes and one set serves all that were given the same fields (``known`` holds them).
    """
    fields = model.__pydantic_fields_set__
    object.__setattr__(model, "__pydantic_fields_set__", known.setdefault(frozenset(fields), fields))


class LocalizedText(StrictModel):
    """A text in Japanese and English; reports default to Japanese."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


class ParamUse(StrictModel):
    """A parameter read: name, fiscal year asked, exact value and its citation."""

    name: str
    fy: int
    value: JsonValue = Field(description="As JSON holds it without loss: exact fractions as text (51/100), dates ISO.")
    source: str | None
    interpretations: list[str] = Field(default_factory=list)
