"""The ``plan`` section of a result: what to buy, where, at what cost, and by which session.

Self-describing for reports: every column and term has a title in Japanese and English and a unit
(:data:`PLAN_VOCABULARY`, copied into each plan as ``vocabulary``), every reason a product is left out has a code and a
title, and every number is already computed — a report lays the plan out and never multiplies a price.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, JsonValue

from gxets_rules.model.base import LocalizedText, ParamUse, SortedDict, StrictModel
from gxets_rules.model.market import MarketSource, ObservedPeriod

ExclusionReason = Literal[
    "not_purchasable", "not_eligible", "no_session", "cap_exhausted", "no_liquidity", "payment_cheaper", "not_needed"
]
LiquidityBasis = Literal["volume", "available", "volume_and_available", "none"]
BoundBy = Literal["liquidity", "cap", "need"]


class VocabularyEntry(StrictModel):
    title: LocalizedText
    unit: str | None = None


def _entry(ja: str, en: str, unit: str | None = None) -> VocabularyEntry:
    return VocabularyEntry(title=LocalizedText(ja=ja, en=en), unit=unit)


PLAN_VOCABULARY: dict[str, VocabularyEntry] = {
    "plan": _entry("調達計画", "Purchase plan"),
    "snapshot": _entry("価格データ", "Market snapshot"),
    "example": _entry("例示データ（実勢価格ではない）", "Example figures, not live prices"),
    "age_days": _entry("価格データの経過日数", "Age of the market data", "days"),
    "product": _entry("商品", "Product"),
    "venue": _entry("取引の場", "Venue"),
    "quantity_t": _entry("購入量", "Quantity to buy", "t"),
    "by_need": _entry("充当先", "Covers", "t"),
    "price_jpy_per_t": _entry("価格（参考・安値・高値）", "Price (reference, low, high)", "jpy_per_t"),
    "price_capped": _entry("上限価格を適用", "Price ceiling applied"),
    "cost_jpy": _entry("金額（税抜）", "Cost before tax", "jpy"),
    "tax_jpy": _entry("消費税", "Consumption tax", "jpy"),
    "cost_with_tax_jpy": _entry("金額（税込）", "Cost with tax", "jpy"),
    "liquidity_limit_t": _entry("流動性による上限", "Liquidity limit", "t"),
    "liquidity_days": _entry("売買高を数えた営業日数", "Business days of volume counted", "days"),
    "last_session": _entry("最終発注セッション", "Last order session", "datetime"),
    "orders": _entry("注文受付時間", "Order window", "time"),
    "settlement_date": _entry("決済日", "Settles on", "date"),
    "cancellable_on": _entry("無効化可能日", "Cancellable on", "date"),
    "sessions_left": _entry("残りのセッション数", "Sessions left", "sessions"),
    "deliver_by": _entry("相対取引の受渡期限", "Bilateral delivery by", "date"),
    "offsets_to_buy_t": _entry("調達が必要な量", "Still to procure", "t"),
    "planned_t": _entry("計画した購入量", "Planned purchases", "t"),
    "bilateral_or_tender_t": _entry("相対取引又は入札で調達が必要な量", "Bilateral or tender needed", "t"),
    "payment": _entry("購入に代わる支払", "Payment in lieu of purchases"),
    "payment_t": _entry("支払で履行する量", "Settled by payment", "t"),
    "unit_price_jpy_per_t": _entry("1tあたりの支払額", "Payment per t", "jpy_per_t"),
    "due": _entry("支払期限", "Pay by", "date"),
    "cap_headroom_t": _entry("上限の残り（保有分の充当後）", "Cap headroom left after own holdings", "t"),
    "last_order": _entry("最終発注日", "Last order date", "datetime"),
    "term.deadline": _entry("無効化の期限", "Cancellation deadline", "date"),
    "term.settlement_business_day": _entry(
        "決済日（約定日から起算した営業日）", "Settlement business day (trade day = 1)", "days"
    ),
    "term.cancellation_lead_business_days": _entry(
        "決済から無効化までの営業日数", "Business days from settlement to cancellation", "days"
    ),
    "term.liquidity_days": _entry(
        "流動性上限（直近売買高の営業日数分）", "Liquidity limit (business days of recent volume)", "days"
    ),
    "term.tax_rate": _entry("消費税率", "Consumption tax rate", "ratio"),
    "term.rounding": _entry("円未満の端数処理", "Rounding of yen amounts", "text"),
    "reason.not_purchasable": _entry(
        "このルールセットでは購入して充当できない", "Cannot be bought toward this rule set's needs"
    ),
    "reason.not_eligible": _entry("充当に使えない区分", "Not usable toward the needs"),
    "reason.no_session": _entry(
        "期限までに決済・無効化できるセッションがない", "No session left that settles and cancels in time"
    ),
    "reason.cap_exhausted": _entry("使用上限の残りがない", "No cap headroom left"),
    "reason.no_liquidity": _entry("直近の売買がない", "No recent volume"),
    "reason.payment_cheaper": _entry("購入に代わる支払の方が安いか同額", "The payment in lieu costs the same or less"),
    "reason.not_needed": _entry("より安い商品で足りる", "Cheaper products suffice"),
    "liquidity.volume": _entry("直近売買高による", "from recent volume"),
    "liquidity.available": _entry("売り注文の数量による", "from the quantity on offer"),
    "liquidity.volume_and_available": _entry(
        "直近売買高と売り注文の数量による", "from recent volume and the quantity on offer"
    ),
    "liquidity.none": _entry("売買高の記載がなく上限なし", "no volume given: not limited"),
    "bound_by": _entry("購入量を決めたもの", "What limited the quantity"),
    "bound.liquidity": _entry("流動性による上限", "Liquidity limit"),
    "bound.cap": _entry("使用上限の残り", "Cap headroom"),
    "bound.need": _entry("必要量まで", "What was still needed"),
}


def in_unit(unit: str, **field: Any) -> Any:
    """A field in a unit (``t`` tonnes, ``jpy`` yen, ``jpy_per_t`` yen a tonne), declared in the model and its JSON
    Schema so that a report formats it by its unit — never by the shape of its name."""
    return Field(json_schema_extra={"unit": unit}, **field)


def unit_of(model: type[BaseModel], name: str) -> str | None:
    """The unit a plan model declares for one of its fields (None: not an amount)."""
    extra = model.model_fields[name].json_schema_extra
    return str(extra["unit"]) if isinstance(extra, dict) and "unit" in extra else None


class YenRange(StrictModel):
    """An amount at the reference price and at the period's low and high."""

    reference: int
    low: int
    high: int


class PlanSession(StrictModel):
    """A session and what follows from trading in it."""

    date: date
    time: str = Field(description="Matching time, HH:MM (JST).")
    orders_open: str
    orders_close: str
    settlement_date: dt.date  # dt: the field `date` above shadows the type's name in this class
    cancellable_on: dt.date = Field(description="Settlement plus the registry-cancellation lead time.")
    sessions_left: int = Field(description="Sessions of this schedule from the evaluation date to this one.")


class PlanLine(StrictModel):
    """One product to buy."""

    product: str
    kind: str
    title: LocalizedText
    tse_category: str | None
    product_code: str | None
    venue: str
    venue_title: LocalizedText
    schedule_title: LocalizedText | None
    quantity_t: int = in_unit("t")
    by_need: SortedDict[str, int] = Field(description="Need id → tonnes of this product.")
    price_jpy_per_t: YenRange = in_unit("jpy_per_t")
    price_capped: bool
    cost_jpy: YenRange = in_unit("jpy")
    tax_jpy: YenRange = in_unit("jpy")
    cost_with_tax_jpy: YenRange = in_unit("jpy")
    liquidity_limit_t: int | None = in_unit("t")
    liquidity_basis: LiquidityBasis
    liquidity_days: int | None = Field(
        description="Business days of recent volume counted: the liquidity term, or the business days left from the "
        "evaluation date through the product's last session if fewer (None: no volume figure)."
    )
    last_session: PlanSession | None = Field(description="Exchange products: the last session that is in time.")
    deliver_by: date | None = Field(description="Bilateral products: the last day credits can arrive in time.")
    cap_class: str | None = Field(description="The coverage's cap class its kind counts under, if any.")
    bound_by: BoundBy = Field(
        description="What limited the tonnes bought: its liquidity limit (recent volume or the quantity on offer), the "
        "cap (its class has no headroom left in the needs it covers), or nothing (it supplied what was still needed)."
    )


class PlanNeed(StrictModel):
    id: str
    title: LocalizedText
    offsets_to_buy_t: int = in_unit("t")
    planned_t: int = in_unit("t")
    payment_t: int = in_unit("t", default=0, description="Tonnes settled by the payment in lieu instead of purchases.")
    bilateral_or_tender_t: int = in_unit(
        "t", description="What the market cannot supply within the limits: never dropped."
    )
    cap_headroom_t: SortedDict[str, int] = in_unit(
        "t", description="Cap class → tonnes it still allows after own holdings."
    )
    cap_planned_t: SortedDict[str, int] = in_unit("t", description="Cap class → tonnes of it in the plan.")


class PlanExcluded(StrictModel):
    product: str
    kind: str
    title: LocalizedText
    reason: ExclusionReason
    message: LocalizedText | None = Field(default=None, description="The rule set's explanation, where it has one.")


class PlanPayment(StrictModel):
    """The tonnes the plan settles by the rule set's payment in lieu of purchases (e.g. a ceiling payment)."""

    title: LocalizedText
    quantity_t: int = in_unit("t")
    by_need: SortedDict[str, int] = Field(description="Need id → tonnes settled by the payment.")
    unit_price_jpy_per_t: int = in_unit("jpy_per_t")
    cost_jpy: int = in_unit("jpy")
    tax_jpy: int = in_unit("jpy")
    cost_with_tax_jpy: int = in_unit("jpy")
    due: date = Field(description="The date by which it is paid.")
    source: str | None
    interpretations: list[str]
    params: list[ParamUse] = Field(default_factory=list, description="Parameters its price, date and tax read.")


class PlanTotals(StrictModel):
    """The plan's tonnes and what they cost: the products bought and the payment in lieu together."""

    quantity_t: int = in_unit("t", description="Tonnes of products bought.")
    payment_t: int = in_unit("t", default=0, description="Tonnes settled by the payment in lieu.")
    bilateral_or_tender_t: int = in_unit("t")
    cost_jpy: YenRange = in_unit("jpy")
    tax_jpy: YenRange = in_unit("jpy")
    cost_with_tax_jpy: YenRange = in_unit("jpy")


class PlanTerm(StrictModel):
    """One term of the plan (deadline, settlement day …), its value and the parameters behind it."""

    name: str
    value: JsonValue
    shown: str = Field(description="The value as people read it, e.g. 10% for a rate of 1/10.")
    expression: str
    params: list[ParamUse] = Field(default_factory=list)


class PlanSnapshot(StrictModel):
    file: str
    as_of: date
    age_days: int = Field(description="Days from the snapshot's date to the evaluation date.")
    example: bool
    title: LocalizedText
    source: MarketSource
    period: ObservedPeriod | None


class PlanCalendar(StrictModel):
    title: LocalizedText
    holidays: str = Field(description="Holiday data used, e.g. holidays 0.109 (JP).")
    closed: list[str] = Field(description="Days closed every year, MM-DD..MM-DD.")


class Plan(StrictModel):
    """What to buy on which market, at what cost, and by which session."""

    title: LocalizedText
    snapshot: PlanSnapshot
    calendar: PlanCalendar
    registry_calendar: PlanCalendar | None = Field(
        default=None, description="The registry's days, where the rule set gives them apart from the trading days."
    )
    terms: list[PlanTerm]
    lines: list[PlanLine]
    payment: PlanPayment | None = Field(
        default=None, description="What the rule set's payment in lieu settles; null if the rule set has none."
    )
    needs: list[PlanNeed]
    excluded: list[PlanExcluded]
    totals: PlanTotals
    last_order: PlanSession | None = Field(description="The earliest last session among the lines: order by then.")
    interpretations: list[str]
    vocabulary: SortedDict[str, VocabularyEntry] = Field(description="Titles (ja, en) and units of the plan's fields.")
