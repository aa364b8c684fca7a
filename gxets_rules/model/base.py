"""Shared pydantic base and small value types for every input and output model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue, StringConstraints


@dataclass(frozen=True)
class Entry:
    """How a person writes a value of this type in a workbook cell or a CSV field (``fy``: 2023, 2023年度, FY2023;
    ``country``: JP, 日本, Japan). Validation ignores it; the normalising readers (``io/normalise.py``) read it."""

    kind: str


Tonnes = Annotated[int, Field(description="Whole tonnes of CO2 (t-CO2).")]
"""Quantities are whole t-CO2 (as money is whole yen); a fraction is an input error, never rounded."""

FiscalYear = Annotated[
    int,
    Field(ge=1990, le=2100, description="Japanese fiscal year (April–March), e.g. 2025 = Apr 2025–Mar 2026."),
    Entry("fy"),
]

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True),
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
