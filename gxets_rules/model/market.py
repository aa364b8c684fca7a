"""The market snapshot format ``gxets.market.v1``: prices and volumes a purchase plan is costed with.

A snapshot is data about a market on a date — never policy. What may be bought, where, and under which caps is the
rule set's business (``market.yaml``); the snapshot only says, per product, what it traded at and how much trades.
Prices are whole yen per t-CO2 (the TSE tick is 1 yen) and quantities whole t-CO2, so a plan's arithmetic is exact.
Every snapshot says whether it is live data or an ``example``, so that a report never passes an illustration off as
a quote.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from gxets_rules.model.base import MAX_TONNES, Day, Identifier, LocalizedText, StrictModel, Text

MARKET_FORMAT = "gxets.market.v1"

InstrumentKind = Literal["era", "j_credit", "jcm", "voluntary", "allowance"]
"""Instruments a snapshot may price; which of them a rule set lets a firm buy is decided by the rule set."""

MAX_YEN_PER_T = 10**9
"""Largest price a snapshot may state: a billion yen per t-CO2, some hundred thousand times any price seen. Bounding
it (and volumes, by MAX_TONNES) keeps every cost a plan computes an exact figure a report and a workbook can show."""
Yen = Annotated[int, Field(ge=0, le=MAX_YEN_PER_T, description="Whole yen per t-CO2.")]
NonNegativeTonnes = Annotated[int, Field(ge=0, le=MAX_TONNES, description="Whole t-CO2.")]


class MarketSource(StrictModel):
    """Where the numbers come from."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    url: Text | None = None
    note: Text | None = None


class ObservedPeriod(StrictModel):
    """The days the prices and volumes were observed over."""

    first: Day
    last: Day

    @model_validator(mode="after")
    def _ordered(self) -> ObservedPeriod:
        if self.last < self.first:
            raise PydanticCustomError(
                "gxets.period_order",
                "period ends ({last}) before it starts ({first})",
                {"last": self.last, "first": self.first, "at": "last"},
            )
        return self


class SessionCount(StrictModel):
    """How often the product could trade in the observed period, and how often it did."""

    observed: Annotated[int, Field(ge=1, description="Auction days in the observed period.")]
    with_trades: Annotated[int, Field(ge=0, description="Auction days on which the product matched.")] | None = None

    @model_validator(mode="after")
    def _within(self) -> SessionCount:
        if self.with_trades is not None and self.with_trades > self.observed:
            raise PydanticCustomError(
                "gxets.with_trades",
                "with_trades {with_trades} is more than the {observed} sessions observed",
                {"with_trades": self.with_trades, "observed": self.observed, "at": "with_trades"},
            )
        return self


class MarketProduct(StrictModel):
    """One tradable product: its prices (reference, low, high) and recent volume."""

    id: Identifier = Field(description="Unique within the snapshot, e.g. j_credit_energy_saving.")
    kind: InstrumentKind
    title: LocalizedText
    tse_category: Identifier | None = Field(
        default=None, description="TSE trading category (売買の区分), as in the rule set's tse_categories code list."
    )
    product_code: Annotated[str, StringConstraints(pattern=r"^\d{7}$")] | None = Field(
        default=None, description="TSE 7-digit product code (銘柄コード) where known."
    )
    reference_price_jpy: Yen = Field(description="Price the plan is costed at (e.g. last price or VWAP), yen/t.")
    low_jpy: Yen = Field(description="Low of the observed period, yen/t.")
    high_jpy: Yen = Field(description="High of the observed period, yen/t.")
    daily_volume_t: NonNegativeTonnes | None = Field(
        default=None,
        description="Recent average volume per business day. Absent: no liquidity limit is applied (the plan says so).",
    )
    available_t: NonNegativeTonnes | None = Field(
        default=None, description="Quantity known to be on offer (e.g. the sell side of the order book), if any."
    )
    sessions: SessionCount | None = None
    source: MarketSource | None = Field(default=None, description="Where this product's figures come from.")
    note: Text | None = None

    @model_validator(mode="after")
    def _price_band(self) -> MarketProduct:
        if not self.low_jpy <= self.reference_price_jpy <= self.high_jpy:
            raise PydanticCustomError(
                "gxets.price_band",
                "prices must satisfy low ≤ reference ≤ high, got {low} ≤ {reference} ≤ {high}",
                {"low": self.low_jpy, "reference": self.reference_price_jpy, "high": self.high_jpy},
            )
        return self


class MarketSnapshot(StrictModel):
    """Prices and volumes of a market on a date, labelled as live data or as an example."""

    format: Literal["gxets.market.v1"] = Field(description="Always gxets.market.v1.")
    as_of: Day = Field(description="Date of the latest figure in the snapshot.")
    example: bool = Field(description="true: illustrative figures, not live prices; reports say so.")
    title: LocalizedText
    source: MarketSource
    period: ObservedPeriod | None = None
    products: list[MarketProduct] = Field(min_length=1)
