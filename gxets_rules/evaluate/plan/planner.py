"""The purchase plan: the least-cost mix of products that covers the offsets still to buy, and by when to order.

Everything that is policy comes from the rule set: which instrument kinds may be bought and where (``market.yaml``
instruments and venues), which products of a kind qualify (an instrument's ``when``), a price ceiling, the caps (the
coverage's cap classes — what the firm's own holdings left of them), the deadline, settlement, lead time, liquidity
limit, tax rate and rounding (``market.yaml`` terms, usually dated parameters), and an optional payment in lieu of
purchases (a price the rule set accepts per tonne instead of a product, e.g. a ceiling payment). The snapshot gives
prices and volumes. This module only optimises and costs, so a rule set with allowances, a credit cap and a ceiling
payment needs no change here.

The mix is a min-cost maximum flow (networkx): source → product (capacity: its liquidity limit) → need, through a
cap-class node per need where the product's kind is capped (capacity: the headroom left) → sink (capacity: the
offsets to buy). Covering comes first, then cost; ties go to the earlier product, and to the earlier need. A greedy
fill would be simpler but can waste a scarce cheap product on a need that had a capped alternative; the flow cannot.
The payment in lieu is one more offer, unlimited and outside every cap, placed first so that it wins a tie (it needs
no trade, settlement or liquidity): a product that costs as much or more is never bought. What nothing can supply
within the limits is reported per need as "bilateral or tender needed", never dropped — with a payment in lieu
there is no such remainder.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from fractions import Fraction
from typing import Any

from gxets_rules.evaluate.coverage import CoverageResult, NeedState
from gxets_rules.evaluate.position import PositionEvaluator
from gxets_rules.evaluate.trace import unique_params
from gxets_rules.market.calendar import (
    WEEKDAYS,
    AuctionSchedule,
    BusinessCalendar,
    SessionTime,
    Timing,
    holidays_source,
    last_session,
)
from gxets_rules.model.base import LocalizedText
from gxets_rules.model.loaded import LoadedMarket
from gxets_rules.model.market import MarketProduct
from gxets_rules.model.plan import (
    PLAN_VOCABULARY,
    BoundBy,
    ExclusionReason,
    LiquidityBasis,
    Plan,
    PlanCalendar,
    PlanExcluded,
    PlanLine,
    PlanNeed,
    PlanPayment,
    PlanSession,
    PlanSnapshot,
    PlanTerm,
    PlanTotals,
    YenRange,
)
from gxets_rules.ruleset.compiled import MARKET_TERMS, CompiledInstrument, CompiledMarket, CompiledPayment
from gxets_rules.ruleset.expr import Compiled, EvaluationError, round_whole
from gxets_rules.ruleset.messages import format_value
from gxets_rules.ruleset.params import ParamRead
from gxets_rules.ruleset.schema import MarketCalendar, Schedule
from gxets_rules.ruleset.values import UNKNOWN, jsonable

ROUNDING_MODES = ("floor", "ceil", "half_up")
PAYMENT_KEY = "payment"
"""The optimiser's key of the payment in lieu; products are keyed ``product:<id>``, so the two never meet."""


@dataclass(frozen=True)
class Offer:
    """A product as the optimiser sees it: a key, a price per tonne, its cap class and how much it can supply."""

    key: str
    price: int
    cap_class: str | None
    limit_t: int | None


@dataclass(frozen=True)
class Demand:
    """A need's offsets to buy and, per cap class, the tonnes the class may still add."""

    need: str
    quantity_t: int
    headroom_t: dict[str, int]


def least_cost_mix(offers: Sequence[Offer], demands: Sequence[Demand]) -> dict[str, dict[str, int]]:
    """Offer key → need → tonnes: as much of the demands as the limits allow, at the least cost."""
    total = sum(d.quantity_t for d in demands)
    if total == 0 or not offers:
        return {}
    order = sorted(range(len(offers)), key=lambda i: (offers[i].price, offers[i].key))  # a tie: by key, not file order
    rank = {index: position for position, index in enumerate(order)}
    # Edge weights order the solutions lexicographically: price first, then earlier products, then earlier products
    # to earlier needs. Two flows differ by unit cycles, each crossing at most `pairs` product→need arcs either way,
    # so each level outweighs `pairs` times the largest term below it and a tie-break can never beat a yen. The last
    # term, pairs − rank·need, is strictly Monge, which makes the "north-west corner" pairing (first product to first
    # need) the unique tie-break rather than one of many equal ones.
    import networkx as nx  # noqa: PLC0415 (only a purchase plan needs it: DESIGN §8)

    pairs = len(offers) * len(demands)
    per_rank = pairs * pairs + 1
    scale = pairs * ((len(offers) - 1) * per_rank + pairs) + 1
    graph: nx.DiGraph[str] = nx.DiGraph()
    for n, demand in enumerate(demands):
        graph.add_edge(f"need:{n}", "sink", capacity=demand.quantity_t, weight=0)
    for i, offer in enumerate(offers):
        node = f"offer:{i}"
        graph.add_edge("source", node, weight=0, **({} if offer.limit_t is None else {"capacity": offer.limit_t}))
        for n, demand in enumerate(demands):
            weight = offer.price * scale + rank[i] * per_rank + pairs - rank[i] * n
            target = f"need:{n}"
            if offer.cap_class is not None and offer.cap_class in demand.headroom_t:
                capped = f"cap:{n}:{offer.cap_class}"
                if capped not in graph:
                    graph.add_edge(capped, target, capacity=max(0, demand.headroom_t[offer.cap_class]), weight=0)
                target = capped
            graph.add_edge(node, target, weight=weight)
    flow = nx.max_flow_min_cost(graph, "source", "sink")
    mix: dict[str, dict[str, int]] = {}
    for i, offer in enumerate(offers):
        for target, tonnes in flow[f"offer:{i}"].items():
            if tonnes > 0:
                n = int(target.split(":")[1])
                need = demands[n].need
                mix.setdefault(offer.key, {})[need] = mix.get(offer.key, {}).get(need, 0) + tonnes
    return mix


@dataclass(frozen=True)
class _Payment:
    """The payment in lieu, evaluated for this position: whole yen per tonne, a due date, a tax rate."""

    compiled: CompiledPayment
    price: int
    due: date
    tax_rate: Any
    reads: list[ParamRead]


@dataclass(frozen=True)
class _Candidate:
    product: MarketProduct
    instrument: CompiledInstrument
    prices: YenRange
    capped: bool
    limit_t: int | None
    basis: LiquidityBasis
    days: int | None  # business days of volume counted
    timing: Timing | None
    deliver_by: date | None


class _Planner:
    def __init__(self, position: PositionEvaluator, market: CompiledMarket, loaded: LoadedMarket) -> None:
        self.position = position
        self.ctx = position.ctx
        self.ruleset = position.ruleset
        self.market = market
        self.loaded = loaded
        self.as_of = position.ctx.as_of
        self.interpretations: set[str] = set(market.spec.interpretations)
        self.terms: dict[str, Any] = {}
        self.term_reads: dict[str, list[ParamRead]] = {}
        self.schedules: dict[str, AuctionSchedule] = {}
        self.cal = self.calendar()
        self.registry_cal = market.registry_calendar
        registry = market.spec.registry_calendar
        self.interpretations.update([] if registry is None else registry.interpretations)

    # evaluating rule-set expressions ----------------------------------------------------------------
    def env(self, extra: dict[str, Any] | None = None) -> Mapping[str, Any]:
        """The position's environment (quantities computed on first read), plus ``extra`` names such as ``product``."""
        return ChainMap(extra, self.position.env) if extra else self.position.env

    def run(self, compiled: Compiled, what: str, extra: dict[str, Any] | None = None) -> tuple[Any, list[ParamRead]]:
        env = self.env(extra)
        self.ctx.recorders.append([])
        try:
            value = compiled(env)
        except EvaluationError as exc:
            raise EvaluationError(f"market {what}: {exc}") from exc
        finally:
            reads = [item for item in self.ctx.recorders.pop() if isinstance(item, ParamRead)]
        for read in reads:
            self.interpretations.update(read.interpretations)
        return value, reads

    def read_terms(self) -> None:
        for name in MARKET_TERMS:
            value, reads = self.run(self.market.terms[name], name)
            self.terms[name], self.term_reads[name] = value, reads
        checks = {
            "deadline": isinstance(self.terms["deadline"], date),
            "settlement_business_day": _whole(self.terms["settlement_business_day"], 1),
            "cancellation_lead_business_days": _whole(self.terms["cancellation_lead_business_days"], 0),
            "liquidity_days": _whole(self.terms["liquidity_days"], 1),
            "tax_rate": _ratio(self.terms["tax_rate"]),
            "rounding": self.terms["rounding"] in ROUNDING_MODES,
        }
        for name, ok in checks.items():
            if not ok:
                raise EvaluationError(f"market {name} is {self.terms[name]!r}, which it cannot be")

    # the calendar -------------------------------------------------------------------------------------
    def calendar(self) -> BusinessCalendar:
        self.interpretations.update(self.market.spec.calendar.interpretations)
        return self.market.calendar

    def schedule(self, schedule_id: str) -> AuctionSchedule:
        if schedule_id not in self.schedules:
            self.schedules[schedule_id] = self._schedule(schedule_id)
        return self.schedules[schedule_id]

    def _schedule(self, schedule_id: str) -> AuctionSchedule:
        compiled = self.market.schedules[schedule_id]
        spec = compiled.spec
        self.interpretations.update(spec.interpretations)
        months = None
        if compiled.months is not None:
            months, _ = self.run(compiled.months, f"schedule {spec.id} months")
        return schedule_of(spec, months)

    # products -----------------------------------------------------------------------------------------
    def candidate(self, product: MarketProduct) -> _Candidate | tuple[ExclusionReason, Any]:
        instrument = self.market.instruments.get(product.kind)
        if instrument is None:
            return "not_purchasable", None
        self.interpretations.update(instrument.spec.interpretations)
        if instrument.when is not None:
            ok, _ = self.run(instrument.when, f"instrument {product.kind} when", {"product": product})
            if ok is not True:
                env = self.env({"product": product})
                message = instrument.on_excluded.render_all(env) if instrument.on_excluded else None  # type: ignore[arg-type]
                return "not_eligible", message
        prices, capped = self.prices(product, instrument)
        venue = self.market.venue(instrument.spec.venue)
        deadline = self.terms["deadline"]
        lead = self.terms["cancellation_lead_business_days"]
        timing, deliver_by = None, None
        days = self.terms["liquidity_days"]
        if venue.kind == "exchange":
            schedule = self.schedule(instrument.spec.schedule or "")
            settles_on = self.terms["settlement_business_day"]
            timing = last_session(self.cal, schedule, deadline, settles_on, lead, self.registry_cal)
            if timing is None or timing.session.day < self.as_of:
                return "no_session", None
            days = min(days, self.cal.count_business_days(self.as_of, timing.session.day))
        else:
            deliver_by = self.registry_cal.latest_ready_day(deadline, lead)
            if deliver_by is None or deliver_by < self.as_of:
                return "no_session", None
        limit, basis = self.liquidity(product, days)
        counted = None if product.daily_volume_t is None else days
        return _Candidate(product, instrument, prices, capped, limit, basis, counted, timing, deliver_by)

    def prices(self, product: MarketProduct, instrument: CompiledInstrument) -> tuple[YenRange, bool]:
        ref, low, high = product.reference_price_jpy, product.low_jpy, product.high_jpy
        if instrument.price_ceiling is None:
            return YenRange(reference=ref, low=low, high=high), False
        ceiling, _ = self.run(instrument.price_ceiling, f"instrument {product.kind} price_ceiling")
        if not _whole(ceiling, 0):
            raise EvaluationError(f"the price ceiling of {product.kind} must be whole yen, got {ceiling!r}")
        capped = YenRange(reference=min(ref, ceiling), low=min(low, ceiling), high=min(high, ceiling))
        return capped, ref > ceiling or high > ceiling

    def liquidity(self, product: MarketProduct, days: int) -> tuple[int | None, LiquidityBasis]:
        """At most ``days`` business days of the product's recent volume, and no more than is on offer."""
        by_volume = None if product.daily_volume_t is None else product.daily_volume_t * days
        limits = [v for v in (by_volume, product.available_t) if v is not None]
        if by_volume is not None and product.available_t is not None:
            return min(limits), "volume_and_available"
        if limits:
            return limits[0], "volume" if by_volume is not None else "available"
        return None, "none"

    # costing ------------------------------------------------------------------------------------------
    def tax(self, amount: int, rate: Any) -> int:
        return int(round_whole(Fraction(amount) * Fraction(rate), self.terms["rounding"]))

    def amounts(self, quantity: int, prices: YenRange) -> tuple[YenRange, YenRange, YenRange]:
        rate = self.terms["tax_rate"]
        cost = YenRange(reference=quantity * prices.reference, low=quantity * prices.low, high=quantity * prices.high)
        tax = YenRange(
            reference=self.tax(cost.reference, rate), low=self.tax(cost.low, rate), high=self.tax(cost.high, rate)
        )
        with_tax = YenRange(reference=cost.reference + tax.reference, low=cost.low + tax.low, high=cost.high + tax.high)
        return cost, tax, with_tax

    def session(self, candidate: _Candidate) -> PlanSession | None:
        timing = candidate.timing
        if timing is None:
            return None
        schedule = self.schedule(candidate.instrument.spec.schedule or "")
        left = sum(1 for _ in schedule.sessions_between(self.cal, self.as_of, timing.session.day))
        slot = timing.session.time
        return PlanSession(
            date=timing.session.day,
            time=slot.at.strftime("%H:%M"),
            orders_open=slot.orders_open.strftime("%H:%M"),
            orders_close=slot.orders_close.strftime("%H:%M"),
            settlement_date=timing.settlement_date,
            cancellable_on=timing.cancellable_on,
            sessions_left=left,
        )

    def line(self, candidate: _Candidate, by_need: dict[str, int], cap_class: str | None, full: set[Any]) -> PlanLine:
        product, spec = candidate.product, candidate.instrument.spec
        venue = self.market.venue(spec.venue)
        quantity = sum(by_need.values())
        cost, tax, with_tax = self.amounts(quantity, candidate.prices)
        schedule = self.market.schedules[spec.schedule].spec.title if spec.schedule else None
        return PlanLine(
            product=product.id,
            kind=product.kind,
            title=product.title,
            tse_category=product.tse_category,
            product_code=product.product_code,
            venue=venue.id,
            venue_title=venue.title,
            schedule_title=schedule,
            quantity_t=quantity,
            by_need=dict(by_need),
            price_jpy_per_t=candidate.prices,
            price_capped=candidate.capped,
            cost_jpy=cost,
            tax_jpy=tax,
            cost_with_tax_jpy=with_tax,
            liquidity_limit_t=candidate.limit_t,
            liquidity_basis=candidate.basis,
            liquidity_days=candidate.days,
            last_session=self.session(candidate),
            deliver_by=candidate.deliver_by,
            cap_class=cap_class,
            bound_by=_bound_by(candidate, by_need, cap_class, full),
        )

    # the payment in lieu ------------------------------------------------------------------------------
    def payment(self) -> _Payment | None:
        """The rule set's payment in lieu of purchases, if it has one, at this position's price and date."""
        compiled = self.market.payment
        if compiled is None:
            return None
        price, price_reads = self.run(compiled.price, "payment_in_lieu price")
        due, due_reads = self.run(compiled.due, "payment_in_lieu due")
        tax_rate, tax_reads = self.run(compiled.tax_rate, "payment_in_lieu tax_rate")
        if not (_whole(price, 0) and isinstance(due, date) and _ratio(tax_rate)):
            raise EvaluationError(
                f"the payment in lieu needs whole yen, a date and a tax rate, got {price!r}, {due!r}, {tax_rate!r}"
            )
        if due < self.as_of:  # its day has passed: what is unpaid is no longer settled by paying
            return None
        self.interpretations.update(compiled.spec.interpretations)
        return _Payment(compiled, price, due, tax_rate, [*price_reads, *due_reads, *tax_reads])

    def payment_line(self, payment: _Payment, by_need: dict[str, int]) -> PlanPayment:
        """What the payment settles (tonnes per need) and costs, taxed at its own rate: a payment is not a purchase."""
        spec = payment.compiled.spec
        quantity = sum(by_need.values())
        cost = quantity * payment.price
        tax = self.tax(cost, payment.tax_rate)
        return PlanPayment(
            title=spec.title,
            quantity_t=quantity,
            by_need=dict(by_need),
            unit_price_jpy_per_t=payment.price,
            cost_jpy=cost,
            tax_jpy=tax,
            cost_with_tax_jpy=cost + tax,
            due=payment.due,
            source=str(spec.source) if spec.source else None,
            interpretations=sorted(spec.interpretations),
            params=unique_params(payment.reads),
        )

    # the plan -----------------------------------------------------------------------------------------
    def too_late(self, payment: _Payment | None) -> bool:
        """Whether nothing can be done any more: no payment is open and nothing bought could be cancelled in time."""
        ready = self.registry_cal.latest_ready_day(
            self.terms["deadline"], self.terms["cancellation_lead_business_days"]
        )
        return payment is None and (ready is None or ready < self.as_of)

    def build(self) -> Plan | None:
        self.read_terms()
        payment = self.payment()
        if self.too_late(payment):
            return None
        coverage = self.position.coverage
        assert coverage is not None  # the plan is made after the coverage
        class_of: dict[str, str] = {kind: cls for cls, kinds in self.ruleset.coverage.classes.items() for kind in kinds}
        candidates: list[_Candidate] = []
        excluded: list[PlanExcluded] = []
        for product in self.loaded.snapshot.products:
            found = self.candidate(product)
            if isinstance(found, _Candidate):
                candidates.append(found)
            else:
                excluded.append(_excluded(product, *found))
        demands = [_demand(need) for need in coverage.needs if need.offsets_to_buy_t > 0]
        offers = [] if payment is None else [Offer(PAYMENT_KEY, payment.price, None, None)]
        offers += [Offer(_key(c), c.prices.reference, class_of.get(c.product.kind), c.limit_t) for c in candidates]
        mix = least_cost_mix(offers, demands)
        full = _full_caps(candidates, mix, demands, class_of)
        lines = [self.line(c, mix[_key(c)], class_of.get(c.product.kind), full) for c in candidates if _key(c) in mix]
        paid = None if payment is None else self.payment_line(payment, mix.get(PAYMENT_KEY, {}))
        for c in candidates:
            if _key(c) not in mix:
                reason = _unused_reason(c, class_of, demands, None if payment is None else payment.price)
                excluded.append(_excluded(c.product, reason))
        titles = {need.id: need.title for need in self.ruleset.coverage.needs}
        needs = _plan_needs(coverage, titles, lines, paid, class_of)
        sessions = [line.last_session for line in lines if line.last_session is not None]
        return Plan(
            title=self.market.spec.title,
            snapshot=self.snapshot(),
            calendar=plan_calendar(self.market.spec.calendar),
            registry_calendar=None
            if self.market.spec.registry_calendar is None
            else plan_calendar(self.market.spec.registry_calendar),
            terms=[
                PlanTerm(
                    name=name,
                    value=jsonable(self.terms[name]),
                    shown=format_value(self.terms[name], "en", "%" if name == "tax_rate" else "d"),
                    expression=self.market.terms[name].source,
                    params=unique_params(self.term_reads[name]),
                )
                for name in MARKET_TERMS
            ],
            lines=lines,
            payment=paid,
            needs=needs,
            excluded=excluded,
            totals=_totals(lines, paid, needs),
            last_order=min(sessions, key=lambda s: (s.date, s.time)) if sessions else None,
            interpretations=sorted(self.interpretations),
            vocabulary=PLAN_VOCABULARY,
        )

    def snapshot(self) -> PlanSnapshot:
        snap = self.loaded.snapshot
        return PlanSnapshot(
            file=self.loaded.name,
            as_of=snap.as_of,
            age_days=(self.as_of - snap.as_of).days,
            example=snap.example,
            title=snap.title,
            source=snap.source,
            period=snap.period,
        )


def plan_calendar(spec: MarketCalendar) -> PlanCalendar:
    """A calendar as the plan shows it: its title, holiday data and yearly closures."""
    return PlanCalendar(
        title=spec.title, holidays=holidays_source(spec.holidays), closed=[f"{c.first}..{c.last}" for c in spec.closed]
    )


def schedule_of(spec: Schedule, months: Any = None) -> AuctionSchedule:
    """A rule set's schedule, held only in ``months`` (the value of its months expression) if given."""
    if months is not None and (
        not isinstance(months, tuple | list) or not all(isinstance(m, int) and 1 <= m <= 12 for m in months)
    ):
        raise EvaluationError(f"market schedule {spec.id} months must be a list of months, got {months!r}")
    weekdays = None if spec.weekdays is None else frozenset(WEEKDAYS.index(day) for day in spec.weekdays)
    sessions = tuple(
        SessionTime(time.fromisoformat(s.at), time.fromisoformat(s.orders_open), time.fromisoformat(s.orders_close))
        for s in spec.sessions
    )
    return AuctionSchedule(sessions, weekdays, None if months is None else frozenset(months))


def _whole(value: Any, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _ratio(value: Any) -> bool:
    return value is not UNKNOWN and isinstance(value, int | Fraction) and not isinstance(value, bool) and value >= 0


def _key(candidate: _Candidate) -> str:
    return f"product:{candidate.product.id}"


def _demand(need: NeedState) -> Demand:
    headroom = {cls: cap - need.used_by_class.get(cls, 0) for cls, cap in need.caps_t.items()}
    return Demand(need.id, need.offsets_to_buy_t, headroom)


def _full_caps(
    candidates: list[_Candidate], mix: dict[str, dict[str, int]], demands: list[Demand], class_of: dict[str, str]
) -> set[tuple[str, str]]:
    """(need, cap class) pairs whose headroom the plan uses up."""
    used: dict[tuple[str, str], int] = {}
    for candidate in candidates:
        cls = class_of.get(candidate.product.kind)
        for need, tonnes in mix.get(_key(candidate), {}).items():
            if cls is not None:
                used[(need, cls)] = used.get((need, cls), 0) + tonnes
    return {(d.need, cls) for d in demands for cls, room in d.headroom_t.items() if used.get((d.need, cls), 0) >= room}


def _bound_by(candidate: _Candidate, by_need: dict[str, int], cap_class: str | None, full: set[Any]) -> BoundBy:
    """What limited a line: all its product could supply (liquidity), a cap used up in every need it covers, or
    neither — the cheapest products are bought first, so a line bought below both limits supplied the rest needed."""
    if candidate.limit_t is not None and sum(by_need.values()) >= candidate.limit_t:
        return "liquidity"
    if cap_class is not None and all((need, cap_class) in full for need in by_need):
        return "cap"
    return "need"


def _excluded(product: MarketProduct, reason: ExclusionReason, message: Any = None) -> PlanExcluded:
    text = LocalizedText(**message) if message else None
    return PlanExcluded(product=product.id, kind=product.kind, title=product.title, reason=reason, message=text)


def _unused_reason(
    candidate: _Candidate, class_of: dict[str, str], demands: list[Demand], payment_price: int | None
) -> ExclusionReason:
    """Why the optimiser bought none of a usable product."""
    cls = class_of.get(candidate.product.kind)
    if cls is not None and demands and all(d.headroom_t.get(cls, 1) <= 0 for d in demands):
        return "cap_exhausted"
    if candidate.limit_t == 0:
        return "no_liquidity"
    if demands and payment_price is not None and candidate.prices.reference >= payment_price:
        return "payment_cheaper"
    return "not_needed"


def _plan_needs(
    coverage: CoverageResult,
    titles: dict[str, LocalizedText],
    lines: list[PlanLine],
    payment: PlanPayment | None,
    class_of: dict[str, str],
) -> list[PlanNeed]:
    needs = []
    for need in coverage.needs:
        planned = sum(line.by_need.get(need.id, 0) for line in lines)
        paid = 0 if payment is None else payment.by_need.get(need.id, 0)
        by_class = {
            cls: sum(line.by_need.get(need.id, 0) for line in lines if class_of.get(line.kind) == cls)
            for cls in need.caps_t
        }
        needs.append(
            PlanNeed(
                id=need.id,
                title=titles[need.id],
                offsets_to_buy_t=need.offsets_to_buy_t,
                planned_t=planned,
                payment_t=paid,
                bilateral_or_tender_t=need.offsets_to_buy_t - planned - paid,
                cap_headroom_t={c: cap - need.used_by_class.get(c, 0) for c, cap in need.caps_t.items()},
                cap_planned_t=by_class,
            )
        )
    return needs


def _sum(ranges: list[YenRange], fixed: int) -> YenRange:
    """Ranges added up, plus an amount that is the same at every price (the payment in lieu)."""
    return YenRange(
        reference=sum(r.reference for r in ranges) + fixed,
        low=sum(r.low for r in ranges) + fixed,
        high=sum(r.high for r in ranges) + fixed,
    )


def _totals(lines: list[PlanLine], payment: PlanPayment | None, needs: list[PlanNeed]) -> PlanTotals:
    """Tonnes bought and paid for, and their cost: each product line's range plus the payment's fixed amount."""
    return PlanTotals(
        quantity_t=sum(line.quantity_t for line in lines),
        payment_t=payment.quantity_t if payment else 0,
        bilateral_or_tender_t=sum(need.bilateral_or_tender_t for need in needs),
        cost_jpy=_sum([line.cost_jpy for line in lines], payment.cost_jpy if payment else 0),
        tax_jpy=_sum([line.tax_jpy for line in lines], payment.tax_jpy if payment else 0),
        cost_with_tax_jpy=_sum([line.cost_with_tax_jpy for line in lines], payment.cost_with_tax_jpy if payment else 0),
    )


def plan_purchases(position: PositionEvaluator, market: CompiledMarket, loaded: LoadedMarket) -> Plan | None:
    """The purchase plan for a position's offsets to buy, priced with a market snapshot; None once it is too late
    for anything to count (nothing bought could be cancelled by the deadline, and no payment in lieu is still open)."""
    return _Planner(position, market, loaded).build()
