"""The purchase plan as a compliance officer acts on it: one row per product, then what the market cannot supply.

A row says what to buy (product, venue, tonnes), what it costs (reference price and the period's low–high, cost
before and with tax at each), by when (last order session, settlement date, the day it can be cancelled — for a
bilateral product, the day it must be delivered) and what limited the tonnes (the product's liquidity, a cap, or
nothing: it supplied what was still needed). Under the rows: the remainder needing a bilateral deal or a tender, the
rule set's payment in lieu (Phase 2's ceiling payment) and the totals. Every number is the plan's own — a view never
multiplies a price — and every column title is the plan's vocabulary (both languages travel in the result).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from gxets_rules.model.plan import Plan, PlanLine, PlanPayment, PlanSession, YenRange
from gxets_rules.render.catalogue import Text

COLUMNS = (
    "product",
    "venue",
    "quantity_t",
    "price_reference",
    "cost_jpy",
    "cost_with_tax_jpy",
    "last_session",
    "settlement_date",
    "cancellable_on",
    "bound_by",
)
"""The plan table's columns, in order; a title is the plan vocabulary's (``price_reference`` the catalogue's)."""


@dataclass(frozen=True)
class PlanRow:
    """One product to buy, as the table shows it; amounts are the plan's integers, dates are dates."""

    product: str
    kind: str
    venue: str
    quantity_t: int
    price: YenRange
    cost: YenRange
    cost_with_tax: YenRange
    last_order: datetime | None  # the last session that is in time (exchange); None for a bilateral product
    settles_on: date | None
    ready_on: date | None  # cancellable on (exchange) or delivered by (bilateral)
    bound: str  # what limited the tonnes, in words
    liquidity_limit_t: int | None


@dataclass(frozen=True)
class PaymentRow:
    """The tonnes settled by the rule set's payment in lieu of purchases, at its price, by its due date."""

    title: str
    quantity_t: int
    unit_price: int
    cost: int
    cost_with_tax: int
    due: date
    source: str | None


@dataclass(frozen=True)
class PlanTable:
    title: str
    snapshot: str  # the price data: its title, date, age and whether it is an example
    source: str  # where the prices come from
    headings: dict[str, str]
    rows: tuple[PlanRow, ...]
    remainder_t: int  # what needs a bilateral deal or a tender
    payment: PaymentRow | None
    quantity_t: int  # tonnes bought
    payment_t: int
    cost: YenRange
    cost_with_tax: YenRange
    last_order: datetime | None
    excluded: tuple[tuple[str, str], ...]  # (product, why it is not in the plan)
    terms: tuple[tuple[str, str], ...]  # (term, its value)
    words: dict[str, str]  # the plan's other titles used beside the table


def session_time(session: PlanSession) -> datetime:
    """When a session matches (JST, as the market states it)."""
    return datetime.combine(session.date, time.fromisoformat(session.time))


class PlanView:
    """The plan of a result in one language."""

    def __init__(self, plan: Plan, t: Text) -> None:
        self.plan, self.t = plan, t

    def word(self, key: str) -> str:
        """A title from the plan's own vocabulary, in this language (overridden by the catalogue's ``plan.<key>``)."""
        entry = self.plan.vocabulary.get(key)
        return self.t.get("plan." + key, self.t.localized(entry.title) if entry else key)

    def table(self) -> PlanTable:
        plan, t = self.plan, self.t
        snap = plan.snapshot
        example = f" · {self.word('example')}" if snap.example else ""
        age = f"{self.word('age_days')} {snap.age_days:,} {t('unit.days')}"
        prices_as_of = t("report.plan.prices_as_of")
        payment = plan.payment
        return PlanTable(
            title=t.localized(plan.title),
            snapshot=f"{t.localized(snap.title)} · {prices_as_of} {snap.as_of.isoformat()} · {age}{example}",
            source=snap.source.title + (f" <{snap.source.url}>" if snap.source.url else ""),
            headings={key: self.word(key) for key in COLUMNS},
            rows=tuple(self.row(line) for line in plan.lines),
            remainder_t=plan.totals.bilateral_or_tender_t,
            payment=None if payment is None else self.payment(payment),
            quantity_t=plan.totals.quantity_t,
            payment_t=plan.totals.payment_t,
            cost=plan.totals.cost_jpy,
            cost_with_tax=plan.totals.cost_with_tax_jpy,
            last_order=None if plan.last_order is None else session_time(plan.last_order),
            excluded=tuple(
                (t.localized(item.title), t.localized(item.message) or self.word("reason." + item.reason))
                for item in plan.excluded
            ),
            terms=tuple(
                (self.word("term." + term.name), self.term_value(term.value, term.shown)) for term in plan.terms
            ),
            words={key: self.word(key) for key in ("snapshot", "bilateral_or_tender_t", "last_order", "due")},
        )

    def term_value(self, value: object, shown: str) -> str:
        """A term as people read it: a word the catalogue has for a text value (a rounding mode), else as shown."""
        return self.t.get(f"plan.value.{value}", shown) if isinstance(value, str) else shown

    def row(self, line: PlanLine) -> PlanRow:
        session = line.last_session
        return PlanRow(
            product=self.t.localized(line.title),
            kind=self.t.kind(line.kind),
            venue=self.t.localized(line.venue_title),
            quantity_t=line.quantity_t,
            price=line.price_jpy_per_t,
            cost=line.cost_jpy,
            cost_with_tax=line.cost_with_tax_jpy,
            last_order=None if session is None else session_time(session),
            settles_on=None if session is None else session.settlement_date,
            ready_on=line.deliver_by if session is None else session.cancellable_on,
            bound=self.bound(line),
            liquidity_limit_t=line.liquidity_limit_t,
        )

    def bound(self, line: PlanLine) -> str:
        """What limited a line's tonnes: its liquidity (``流動性による上限 280 t-CO2（直近売買高による）``), the cap
        by its class's name, or that it supplied what was still needed."""
        if line.bound_by == "liquidity" and line.liquidity_limit_t is not None:
            return self.t("report.plan.bound_liquidity").format(
                title=self.word("bound.liquidity"),
                limit=self.t.value(line.liquidity_limit_t, "t"),
                basis=self.word("liquidity." + line.liquidity_basis),
            )
        if line.bound_by == "cap" and line.cap_class:
            return self.t("report.plan.bound_cap").format(title=self.word("bound.cap"), cap=self.t.kind(line.cap_class))
        return self.word("bound.need")

    def payment(self, payment: PlanPayment) -> PaymentRow:
        return PaymentRow(
            title=self.t.localized(payment.title),
            quantity_t=payment.quantity_t,
            unit_price=payment.unit_price_jpy_per_t,
            cost=payment.cost_jpy,
            cost_with_tax=payment.cost_with_tax_jpy,
            due=payment.due,
            source=payment.source,
        )
